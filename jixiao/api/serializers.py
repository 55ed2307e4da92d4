"""What the API shows of each record. Money is Decimal yuan, sent as strings ("1234.50")."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jixiao.adjustments.models import AdjustedIndicator, AdjustmentState, AdjustmentTransition, GoalAdjustment
from jixiao.dispositions.models import DispositionState, DispositionTransition, WarningDisposition
from jixiao.funding.models import FundingDecision, FundingStatus
from jixiao.monitoring.models import AnalysisReport, IndicatorEntry, MonitoringCycle, ReportWarning
from jixiao.monitoring.services import ENTRY_INPUT_FIELDS, REPORT_INPUT_FIELDS
from jixiao.organisations.models import Organisation
from jixiao.practices.models import Practice
from jixiao.projects.models import Indicator, Project, ProjectMonth, TargetVersion
from jixiao.rectification.models import RectificationItem
from jixiao.review.models import Feedback, FeedbackItem
from jixiao.violations.models import ViolationCase
from jixiao.workflow.models import Submission, SubmissionState, SubmissionTransition
from jixiao.workflow.selectors import submission_timeline

MONEY = {"max_digits": 18, "decimal_places": 2}


class ErrorSerializer(serializers.Serializer):
    """The one shape of every refusal."""

    message = serializers.CharField(help_text="给人看的中文说明")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="按字段列出的错误；与字段无关的在 non_field_errors 下",
    )


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "parent",
            "counterpart_section",
            "is_classified",
            "is_active",
        ]


class FundingSerializer(serializers.Serializer):
    initial_fiscal = serializers.DecimalField(**MONEY, help_text="年初预算·财政拨款（元）")
    initial_other = serializers.DecimalField(**MONEY, help_text="年初预算·其他资金（元）")
    adjusted_fiscal = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="调整后预算·财政拨款（元）"
    )
    adjusted_other = serializers.DecimalField(**MONEY, allow_null=True, help_text="调整后预算·其他资金（元）")
    budget = serializers.DecimalField(
        **MONEY, source="budget_total", help_text="预算数 B：有调整用调整后预算，否则用年初预算（元）"
    )
    paid_to_date = serializers.DecimalField(**MONEY, help_text="本年累计支付数（元）")


class BasisItemSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="warning 预警 / disposition 预警处置 / rectification 整改 / oversight 监督发现 / other 其他"
    )
    label = serializers.CharField()
    url = serializers.CharField(help_text="本系统页面的路径，可为空")


class FundingStatusSerializer(serializers.ModelSerializer):
    """拨款控制（第十五条）: what the treasury system reads before paying."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    basis = BasisItemSerializer(many=True, read_only=True)

    class Meta:
        model = FundingStatus
        fields = ["status", "status_label", "reason", "basis", "set_by_name", "set_at"]


class FundingDecisionSerializer(serializers.ModelSerializer):
    """One decision of 局领导, oldest first."""

    action_label = serializers.CharField(read_only=True)
    from_state_label = serializers.CharField(read_only=True)
    to_state_label = serializers.CharField(read_only=True)
    basis = BasisItemSerializer(many=True, read_only=True)

    class Meta:
        model = FundingDecision
        fields = [
            "at",
            "actor_name",
            "action",
            "action_label",
            "from_state",
            "from_state_label",
            "to_state",
            "to_state_label",
            "comment",
            "basis",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    project_type_label = serializers.CharField(source="get_project_type_display", read_only=True)
    funding = FundingSerializer(source="*", read_only=True)
    funding_status = serializers.SerializerMethodField(
        help_text="拨款状态：normal 正常拨款 / suspended 暂缓拨款 / stopped 停止拨款"
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "year",
            "owner",
            "project_type",
            "project_type_label",
            "responsible_person",
            "responsible_phone",
            "start_date",
            "end_date",
            "is_key_project",
            "current_target",
            "funding",
            "funding_status",
        ]

    @extend_schema_field(FundingStatusSerializer)
    def get_funding_status(self, project):
        """A project never decided on is paid normally (no stored row)."""
        status = getattr(project, "funding_control", None) or FundingStatus(project=project)
        return FundingStatusSerializer(status).data


class IndicatorSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    target_display = serializers.CharField(read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "position",
            "category",
            "category_label",
            "name",
            "unit",
            "comparator",
            "value_type",
            "target_number",
            "target_date",
            "target_text",
            "target_display",
            "progress_type",
        ]


class TargetVersionSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = TargetVersion
        fields = ["id", "project", "number", "annual_goal", "reason", "approved_at", "indicators"]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectMonth
        fields = ["id", "project", "month", "paid_fiscal", "paid_other", "planned"]


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringCycle
        fields = [
            "id",
            "year",
            "kind",
            "organisation",
            "name",
            "period_end_month",
            "status",
            "due_unit_to_primary",
            "due_unit_to_bureau",
            "due_supervision_review",
            "due_feedback_issue",
            "due_rectification_report",
            "due_rectification_complete",
        ]


class WarningSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = ReportWarning
        fields = ["id", "indicator", "code", "level", "level_label", "message"]


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorEntry
        fields = ["indicator", *ENTRY_INPUT_FIELDS]


class ReportSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    entries = EntrySerializer(many=True, read_only=True)
    warnings = WarningSerializer(many=True, read_only=True)

    class Meta:
        model = AnalysisReport
        fields = [
            "id",
            "cycle",
            "project",
            "target_version",
            "revision",
            "level",
            "level_label",
            "locked",
            "updated_at",
            *REPORT_INPUT_FIELDS,
            "entries",
            "warnings",
        ]


class EntryInputSerializer(serializers.Serializer):
    """One indicator's row; the service checks each value against the indicator's type."""

    indicator = serializers.IntegerField(help_text="绩效指标编号（该项目现行绩效目标中的指标）")
    actual_number = serializers.DecimalField(max_digits=18, decimal_places=4, required=False, allow_null=True)
    actual_date = serializers.DateField(required=False, allow_null=True)
    actual_text = serializers.CharField(required=False, allow_blank=True)
    projected_number = serializers.DecimalField(
        max_digits=18, decimal_places=4, required=False, allow_null=True
    )
    projected_date = serializers.DateField(required=False, allow_null=True)
    self_assessment = serializers.ChoiceField(
        choices=IndicatorEntry._meta.get_field("self_assessment").choices, required=False, allow_blank=True
    )
    likelihood = serializers.ChoiceField(
        choices=IndicatorEntry._meta.get_field("likelihood").choices, required=False, allow_blank=True
    )
    deviation_funding = serializers.CharField(required=False, allow_blank=True)
    deviation_rules = serializers.CharField(required=False, allow_blank=True)
    deviation_staffing = serializers.CharField(required=False, allow_blank=True)
    deviation_facilities = serializers.CharField(required=False, allow_blank=True)
    deviation_other = serializers.CharField(required=False, allow_blank=True)
    corrective_measures = serializers.CharField(required=False, allow_blank=True)
    remark = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ReportInputSerializer(serializers.Serializer):
    """A save of 附件1: only the fields sent change; `revision` is the one read, so a stale save is refused."""

    revision = serializers.IntegerField(min_value=0, help_text="读取时的版本号（首次填报为 0）")
    projected_fiscal = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True, help_text="元"
    )
    projected_other = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True, help_text="元"
    )
    goal_progress = serializers.CharField(required=False, allow_blank=True)
    narrative_rules = serializers.CharField(required=False, allow_blank=True)
    narrative_outputs = serializers.CharField(required=False, allow_blank=True)
    narrative_benefits = serializers.CharField(required=False, allow_blank=True)
    narrative_conditions = serializers.CharField(required=False, allow_blank=True)
    narrative_funds = serializers.CharField(required=False, allow_blank=True)
    narrative_deviation = serializers.CharField(required=False, allow_blank=True)
    narrative_innovation = serializers.CharField(required=False, allow_blank=True)
    deviation_funding = serializers.CharField(required=False, allow_blank=True)
    deviation_rules = serializers.CharField(required=False, allow_blank=True)
    deviation_staffing = serializers.CharField(required=False, allow_blank=True)
    deviation_facilities = serializers.CharField(required=False, allow_blank=True)
    deviation_other = serializers.CharField(required=False, allow_blank=True)
    corrective_measures = serializers.CharField(required=False, allow_blank=True)
    unit_leader_name = serializers.CharField(required=False, allow_blank=True, max_length=40)
    finance_leader_name = serializers.CharField(required=False, allow_blank=True, max_length=40)
    filler_name = serializers.CharField(required=False, allow_blank=True, max_length=40)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=40)
    filled_on = serializers.DateField(required=False, allow_null=True)
    entries = EntryInputSerializer(many=True, required=False)

    def validate_entries(self, entries):
        indicators = [entry["indicator"] for entry in entries]
        if len(indicators) != len(set(indicators)):
            raise serializers.ValidationError("同一指标只能出现一次。")
        return entries


def _transition_serializer(model, states, *, name: str = "", doc: str | None = None):
    """One step of a record's 办理记录, its states named as the record's page names them."""

    def label(code: str) -> str:
        return str(states(code).label) if code in states.values else ""

    class TransitionSerializer(serializers.ModelSerializer):
        action_label = serializers.CharField(read_only=True)
        from_state_label = serializers.SerializerMethodField()
        to_state_label = serializers.SerializerMethodField()

        class Meta:
            fields = [
                "at",
                "actor_name",
                "organisation",
                "action",
                "action_label",
                "from_state",
                "from_state_label",
                "to_state",
                "to_state_label",
                "comment",
            ]

        def get_from_state_label(self, transition) -> str:
            return label(transition.from_state)

        def get_to_state_label(self, transition) -> str:
            return label(transition.to_state)

    TransitionSerializer.Meta.model = model
    TransitionSerializer.__name__ = name or f"{model.__name__}Serializer"
    TransitionSerializer.__doc__ = doc
    return TransitionSerializer


HistorySerializer = _transition_serializer(
    SubmissionTransition, SubmissionState, name="HistorySerializer", doc="One step of a package's 办理记录."
)


class PackageSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    step_label = serializers.CharField(source="get_step_display", read_only=True)
    late_days = serializers.IntegerField(read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "cycle",
            "organisation",
            "step",
            "step_label",
            "receiver",
            "state",
            "state_label",
            "due_date",
            "extension_reason",
            "submitted_at",
            "opened_at",
            "decided_at",
            "return_comment",
            "late_days",
        ]


class PackageDetailSerializer(PackageSerializer):
    history = serializers.SerializerMethodField(help_text="办理记录，按时间先后")

    class Meta(PackageSerializer.Meta):
        fields = [*PackageSerializer.Meta.fields, "history"]

    @extend_schema_field(HistorySerializer(many=True))
    def get_history(self, submission):
        return HistorySerializer(submission_timeline(submission), many=True).data


class ReturnedProjectSerializer(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, help_text="需要补正的项目编号")
    reason = serializers.CharField(help_text="该项目需要补正的内容")


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="意见；退回时写明需要补正的内容，或逐项列出 projects",
    )
    confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="报送时确认：下属单位尚未全部审核通过也报送（其材料之后作为补报）",
    )
    projects = ReturnedProjectSerializer(
        many=True, required=False, default=list, help_text="退回时逐项指明的项目"
    )


class FeedbackItemSerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = FeedbackItem
        fields = [
            "id",
            "feedback",
            "position",
            "project",
            "problem",
            "requirement",
            "due_date",
            "source",
            "source_label",
        ]


class RectificationItemSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    feedback = serializers.SerializerMethodField(help_text="来自综合意见反馈表时，反馈表的 id")
    is_overdue = serializers.BooleanField(read_only=True, help_text="超过整改时限仍未销号")

    class Meta:
        model = RectificationItem
        fields = [
            "id",
            "kind",
            "kind_label",
            "source_label",
            "feedback",
            "feedback_item",
            "organisation",
            "issuing_organisation",
            "cycle",
            "project",
            "problem",
            "requirement",
            "due_date",
            "opened_at",
            "state",
            "state_label",
            "is_overdue",
            "response",
            "completed_on",
            "responded_at",
            "verification_comment",
            "verified_at",
        ]

    def get_feedback(self, item) -> int | None:
        return item.feedback_item.feedback_id if item.feedback_item_id else None


class FeedbackSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    items = FeedbackItemSerializer(many=True, read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "cycle",
            "organisation",
            "state",
            "state_label",
            "supervision_opinion",
            "supervision_reviewer",
            "supervision_date",
            "counterpart_opinion",
            "counterpart_reviewer",
            "counterpart_date",
            "overall_opinion",
            "approved_at",
            "issued_at",
            "items",
        ]


class LoadInputSerializer(serializers.Serializer):
    """The rows of a load as JSON: each row maps the loader's template headers to cell values."""

    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="只预览将新增、变更和未变的条数，不写入"
    )
    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True)),
        allow_empty=False,
        max_length=50000,
        help_text="每行一个对象，键为该加载模板的表头（如“预算年度”“项目编码”“月份”“支付数·财政拨款（元）”），"
        "值为文本或数字；空值表示该格为空",
    )


class LoadResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="created 新增、changed 变更、unchanged 未变"
    )
    created = serializers.ListField(child=serializers.DictField(), help_text="将新增（或已新增）的行")
    changed = serializers.ListField(
        child=serializers.DictField(), help_text="将变更（或已变更）的行，含原值与新值"
    )
    notes = serializers.ListField(child=serializers.CharField())
    truncated = serializers.BooleanField(help_text="行数过多时只列出前一部分")


class ViolationCaseSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    law_label = serializers.CharField(source="get_law_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    amount = serializers.DecimalField(**MONEY, allow_null=True, read_only=True)

    class Meta:
        model = ViolationCase
        fields = [
            "id",
            "number",
            "organisation",
            "project",
            "title",
            "facts",
            "law",
            "law_label",
            "article",
            "amount",
            "handling",
            "state",
            "state_label",
            "referred_to",
            "referred_on",
            "conclusion",
            "registered_at",
        ]


AdjustmentTransitionSerializer = _transition_serializer(AdjustmentTransition, AdjustmentState)
DispositionTransitionSerializer = _transition_serializer(DispositionTransition, DispositionState)


class AdjustedIndicatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="indicator.name", read_only=True)
    new_target = serializers.CharField(read_only=True, help_text="调整后的指标值，写法同指标表（如 ≥400人）")

    class Meta:
        model = AdjustedIndicator
        fields = [
            "indicator",
            "name",
            "old_target",
            "new_target",
            "comparator",
            "value_type",
            "unit",
            "target_number",
            "target_date",
            "target_text",
        ]


class GoalAdjustmentSerializer(serializers.ModelSerializer):
    cause_label = serializers.CharField(source="get_cause_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    base_version_number = serializers.IntegerField(source="base_version.number", read_only=True)
    new_version_number = serializers.IntegerField(
        source="new_version.number", read_only=True, allow_null=True, default=None
    )
    indicators = AdjustedIndicatorSerializer(many=True, read_only=True)
    history = AdjustmentTransitionSerializer(source="transitions", many=True, read_only=True)

    class Meta:
        model = GoalAdjustment
        fields = [
            "id",
            "project",
            "cycle",
            "counterpart_section",
            "cause",
            "cause_label",
            "cause_description",
            "response_plan",
            "new_goal",
            "urgent",
            "state",
            "state_label",
            "refusal_reason",
            "base_version",
            "base_version_number",
            "new_version",
            "new_version_number",
            "created_at",
            "submitted_at",
            "counterpart_approved_at",
            "supervision_approved_at",
            "decided_at",
            "indicators",
            "history",
        ]


class DispositionSerializer(serializers.ModelSerializer):
    choice_label = serializers.CharField(source="get_choice_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    history = DispositionTransitionSerializer(source="transitions", many=True, read_only=True)

    class Meta:
        model = WarningDisposition
        fields = [
            "id",
            "cycle",
            "project",
            "organisation",
            "red_since",
            "working_days",
            "due_date",
            "choice",
            "choice_label",
            "measures",
            "reason",
            "state",
            "state_label",
            "first_answered_on",
            "answered_late",
            "answered_at",
            "acknowledged_at",
            "history",
        ]


class PracticeSerializer(serializers.ModelSerializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    project = serializers.SerializerMethodField(help_text="来自监控分析表时，其项目的 id")

    class Meta:
        model = Practice
        fields = [
            "id",
            "cycle",
            "organisation",
            "source",
            "source_label",
            "report",
            "project",
            "submission",
            "text",
            "note",
            "marked_at",
        ]

    def get_project(self, practice) -> int | None:
        return practice.report.project_id if practice.report_id else None
