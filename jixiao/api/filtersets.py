"""Query filters of the list endpoints. Related records are filtered by id (a number), so that an id the
caller may not see filters to nothing instead of telling whether it exists. Each filter set holds the
filters it declares and nothing generated from a model, so a list accepts exactly the filters named here."""

from django import forms
from django_filters import rest_framework as filters

from jixiao.adjustments.models import AdjustmentState, Cause, GoalAdjustment
from jixiao.dispositions.models import Choice, DispositionState, WarningDisposition
from jixiao.funding.models import HOLD_STATES, FundingState
from jixiao.monitoring.models import CycleKind, CycleStatus, WarningLevel
from jixiao.organisations.models import OrganisationKind
from jixiao.practices.models import Practice, PracticeSource
from jixiao.projects.models import Project, ProjectType
from jixiao.rectification.models import RectificationItem, RectificationSource, RectificationState
from jixiao.review.models import FeedbackState
from jixiao.violations.models import CaseState, Law, ViolationCase
from jixiao.workflow.models import Step, SubmissionState

MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """A record's id: a whole number within the database's range."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class YearFilter(IdFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=2000, max_value=2100, **kwargs)


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrganisationKind.choices, label="机构类型")
    parent = IdFilter(field_name="parent_id", label="上级机构")
    code = filters.CharFilter(label="机构编码")


class ProjectFilter(filters.FilterSet):
    year = YearFilter(label="预算年度")
    owner = IdFilter(field_name="owner_id", label="实施单位")
    project_type = filters.ChoiceFilter(choices=ProjectType.choices, label="项目类型")
    is_key_project = filters.BooleanFilter(label="重点项目")
    code = filters.CharFilter(label="项目编码")
    funding_status = filters.ChoiceFilter(
        choices=FundingState.choices, method="filter_funding_status", label="拨款状态"
    )

    class Meta:
        model = Project
        fields = ["year", "owner", "project_type", "is_key_project", "code", "funding_status"]

    def filter_funding_status(self, queryset, _name, value):
        """A project never decided on is paid normally: it has no stored status."""
        if value == FundingState.NORMAL:
            return queryset.exclude(funding_control__status__in=HOLD_STATES)
        return queryset.filter(funding_control__status=value)


class TargetVersionFilter(filters.FilterSet):
    project = IdFilter(field_name="project_id", label="项目")


class PaymentFilter(filters.FilterSet):
    project = IdFilter(field_name="project_id", label="项目")
    month = IdFilter(max_value=12, label="月份")


class CycleFilter(filters.FilterSet):
    year = YearFilter(label="年度")
    kind = filters.ChoiceFilter(choices=CycleKind.choices, label="类型")
    status = filters.ChoiceFilter(choices=CycleStatus.choices, label="状态")


class ReportFilter(filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", label="监控周期")
    project = IdFilter(field_name="project_id", label="项目")
    unit = IdFilter(field_name="project__owner_id", label="实施单位")
    level = filters.ChoiceFilter(choices=WarningLevel.choices, label="预警等级")


class PackageFilter(filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", label="监控周期")
    organisation = IdFilter(field_name="organisation_id", label="报送单位")
    step = filters.TypedChoiceFilter(choices=Step.choices, coerce=int, label="环节")
    state = filters.ChoiceFilter(choices=SubmissionState.choices, label="状态")


class FeedbackFilter(filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", label="监控周期")
    organisation = IdFilter(field_name="organisation_id", label="反馈对象")
    state = filters.ChoiceFilter(choices=FeedbackState.choices, label="状态")


class RectificationItemFilter(filters.FilterSet):
    feedback = IdFilter(field_name="feedback_item__feedback_id", label="综合意见反馈表")
    organisation = IdFilter(field_name="organisation_id", label="整改单位")
    cycle = IdFilter(field_name="cycle_id", label="监控周期")
    project = IdFilter(field_name="project_id", label="项目")
    kind = filters.ChoiceFilter(choices=RectificationSource.choices, label="问题来源")
    state = filters.ChoiceFilter(choices=RectificationState.choices, label="整改状态")

    class Meta:
        model = RectificationItem
        fields = ["feedback", "organisation", "cycle", "project", "kind", "state"]


class ViolationCaseFilter(filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id", label="涉及单位")
    project = IdFilter(field_name="project_id", label="涉及项目")
    state = filters.ChoiceFilter(choices=CaseState.choices, label="状态")
    law = filters.ChoiceFilter(choices=Law.choices, label="法律依据")

    class Meta:
        model = ViolationCase
        fields = ["organisation", "project", "state", "law"]


class GoalAdjustmentFilter(filters.FilterSet):
    project = IdFilter(field_name="project_id", label="项目")
    cycle = IdFilter(field_name="cycle_id", label="监控周期")
    organisation = IdFilter(field_name="project__owner_id", label="项目单位")
    state = filters.ChoiceFilter(choices=AdjustmentState.choices, label="状态")
    cause = filters.ChoiceFilter(choices=Cause.choices, label="客观原因")
    urgent = filters.BooleanFilter(label="紧急")

    class Meta:
        model = GoalAdjustment
        fields = ["project", "cycle", "organisation", "state", "cause", "urgent"]


class DispositionFilter(filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", label="监控周期")
    project = IdFilter(field_name="project_id", label="项目")
    organisation = IdFilter(field_name="organisation_id", label="项目单位")
    choice = filters.ChoiceFilter(choices=Choice.choices, label="处置意见")
    state = filters.ChoiceFilter(choices=DispositionState.choices, label="状态")
    answered_late = filters.BooleanFilter(label="逾期答复")

    class Meta:
        model = WarningDisposition
        fields = ["cycle", "project", "organisation", "choice", "state", "answered_late"]


class PracticeFilter(filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", label="监控周期")
    organisation = IdFilter(field_name="organisation_id", label="单位")
    source = filters.ChoiceFilter(choices=PracticeSource.choices, label="来源")

    class Meta:
        model = Practice
        fields = ["cycle", "organisation", "source"]
