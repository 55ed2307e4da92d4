"""Endpoints of /api/v1/. Reads go through the scoped selectors, writes through the same service
functions as the pages, so the API can never do what a page refuses."""

import csv
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from jixiao.api import filtersets, serializers
from jixiao.api.models import TokenScope
from jixiao.api.permissions import TokenScopes, ViolationReaders
from jixiao.api.policy import load_refusal
from jixiao.api.principal import OrganisationPrincipal
from jixiao.api.selectors import (
    disposition_list,
    goal_adjustment_list,
    package_list,
    payment_list,
    practice_api_list,
    report_list,
    target_version_list,
)
from jixiao.funding.selectors import funding_decisions_of
from jixiao.loads.parsing import LoadRefused
from jixiao.loads.policy import DATA_KINDS
from jixiao.loads.services import load_file, plan_file
from jixiao.monitoring.selectors import cycle_get, cycle_list, report_for
from jixiao.monitoring.services import report_save
from jixiao.organisations.selectors import organisation_list
from jixiao.projects.selectors import ProjectFilters, project_list, project_visible
from jixiao.rectification.selectors import rectification_item_list
from jixiao.review.selectors import feedback_list
from jixiao.violations.selectors import violation_list
from jixiao.workflow.selectors import package_unit_get
from jixiao.workflow.services import (
    submission_accept,
    submission_for,
    submission_return,
    submission_submit,
    submission_withdraw,
)


class ReadViewSet(viewsets.ReadOnlyModelViewSet):
    """DRF's views stand outside the site's login wall and answer 401 themselves (tokens have no session).

    Each endpoint names its `scope`: the rows its caller may see, from the app's scoped selector."""

    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return self.scope(self.request.user)


@extend_schema_view(list=extend_schema(summary="机构列表"), retrieve=extend_schema(summary="机构"))
class OrganisationViewSet(ReadViewSet):
    """Budget units the caller may see."""

    serializer_class = serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilter
    scope = staticmethod(lambda user: organisation_list(user=user).order_by("code"))


@extend_schema_view(list=extend_schema(summary="项目列表"), retrieve=extend_schema(summary="项目及资金"))
class ProjectViewSet(ReadViewSet):
    serializer_class = serializers.ProjectSerializer
    filterset_class = filtersets.ProjectFilter
    scope = staticmethod(
        lambda user: project_list(user=user, filters=ProjectFilters()).select_related("funding_control")
    )

    @extend_schema(
        summary="拨款控制决定（第十五条）", responses=serializers.FundingDecisionSerializer(many=True)
    )
    @action(detail=True, url_path="funding-decisions", pagination_class=None, filterset_class=None)
    def funding_decisions(self, request, pk=None):
        """The project's 暂缓 / 停止 / 恢复拨款 decisions with reason and basis, oldest first."""
        project = self.get_object()
        return Response(serializers.FundingDecisionSerializer(funding_decisions_of(project), many=True).data)


@extend_schema_view(
    list=extend_schema(summary="绩效目标版本及指标"), retrieve=extend_schema(summary="绩效目标版本")
)
class TargetVersionViewSet(ReadViewSet):
    serializer_class = serializers.TargetVersionSerializer
    filterset_class = filtersets.TargetVersionFilter
    scope = staticmethod(lambda user: target_version_list(user=user))


@extend_schema_view(
    list=extend_schema(summary="项目月度支付"), retrieve=extend_schema(summary="项目月度支付")
)
class PaymentViewSet(ReadViewSet):
    serializer_class = serializers.PaymentSerializer
    filterset_class = filtersets.PaymentFilter
    scope = staticmethod(lambda user: payment_list(user=user))


@extend_schema_view(list=extend_schema(summary="监控周期"), retrieve=extend_schema(summary="监控周期"))
class CycleViewSet(ReadViewSet):
    serializer_class = serializers.CycleSerializer
    filterset_class = filtersets.CycleFilter
    scope = staticmethod(lambda user: cycle_list(user=user).order_by("-year", "id"))


@extend_schema_view(
    list=extend_schema(summary="监控分析表（附件1）及预警"),
    retrieve=extend_schema(summary="监控分析表（附件1）"),
)
class ReportViewSet(ReadViewSet):
    serializer_class = serializers.ReportSerializer
    filterset_class = filtersets.ReportFilter
    scope = staticmethod(lambda user: report_list(user=user))


@extend_schema_view(
    list=extend_schema(summary="报送材料"), retrieve=extend_schema(summary="报送材料及办理记录")
)
class PackageViewSet(ReadViewSet):
    filterset_class = filtersets.PackageFilter

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.PackageDetailSerializer
        return serializers.PackageSerializer

    scope = staticmethod(lambda user: package_list(user=user).select_related("cycle", "organisation"))


@extend_schema_view(
    list=extend_schema(summary="综合意见反馈表（附件2）"),
    retrieve=extend_schema(summary="综合意见反馈表（附件2）"),
)
class FeedbackViewSet(ReadViewSet):
    serializer_class = serializers.FeedbackSerializer
    filterset_class = filtersets.FeedbackFilter
    scope = staticmethod(lambda user: feedback_list(user=user).prefetch_related("items"))


@extend_schema_view(list=extend_schema(summary="整改事项"), retrieve=extend_schema(summary="整改事项"))
class RectificationItemViewSet(ReadViewSet):
    serializer_class = serializers.RectificationItemSerializer
    filterset_class = filtersets.RectificationItemFilter
    scope = staticmethod(
        lambda user: (
            rectification_item_list(user=user).select_related("feedback_item").order_by("due_date", "id")
        )
    )


@extend_schema_view(
    list=extend_schema(
        summary="违法违规问题", description="仅财政监督与绩效管理股和局领导本人登录后可读；接口令牌一律拒绝。"
    ),
    retrieve=extend_schema(summary="违法违规问题"),
)
class ViolationCaseViewSet(ReadViewSet):
    serializer_class = serializers.ViolationCaseSerializer
    filterset_class = filtersets.ViolationCaseFilter
    permission_classes = [TokenScopes, ViolationReaders]

    scope = staticmethod(lambda user: violation_list(user=user).order_by("-registered_at", "-id"))


@extend_schema_view(
    list=extend_schema(summary="绩效目标调整申请（第十四条）", description="含调整的指标和办理记录。"),
    retrieve=extend_schema(summary="绩效目标调整申请"),
)
class GoalAdjustmentViewSet(ReadViewSet):
    serializer_class = serializers.GoalAdjustmentSerializer
    filterset_class = filtersets.GoalAdjustmentFilter

    scope = staticmethod(lambda user: goal_adjustment_list(user=user))


@extend_schema_view(
    list=extend_schema(summary="红色预警处置", description="单位的处置意见、答复时限（工作日）和办理记录。"),
    retrieve=extend_schema(summary="红色预警处置"),
)
class DispositionViewSet(ReadViewSet):
    serializer_class = serializers.DispositionSerializer
    filterset_class = filtersets.DispositionFilter

    scope = staticmethod(lambda user: disposition_list(user=user))


@extend_schema_view(
    list=extend_schema(
        summary="可推广经验（第十条（七））", description="财政监督与绩效管理股列为值得推广的创新做法。"
    ),
    retrieve=extend_schema(summary="可推广经验"),
)
class PracticeViewSet(ReadViewSet):
    serializer_class = serializers.PracticeSerializer
    filterset_class = filtersets.PracticeFilter

    scope = staticmethod(lambda user: practice_api_list(user=user))


class ReportSaveView(APIView):
    """附件1 of one project in one cycle: read it, or save it through `report_save` as the page does."""

    @extend_schema(summary="读取监控分析表", responses={200: serializers.ReportSerializer})
    def get(self, request, cycle_pk: int, project_pk: int):
        report = self._report(request, cycle_pk, project_pk)
        if report is None:
            raise Http404
        return Response(serializers.ReportSerializer(report).data)

    @extend_schema(
        summary="保存监控分析表",
        description="只改动提交的字段；revision 须为读取时的版本号（首次填报为 0），"
        "期间已有他人保存时返回 409，什么也不写。金额单位为元。",
        request=serializers.ReportInputSerializer,
        responses={200: serializers.ReportSerializer, 409: serializers.ErrorSerializer},
    )
    def patch(self, request, cycle_pk: int, project_pk: int):
        cycle = cycle_get(user=request.user, pk=cycle_pk)
        project, _report = report_for(user=request.user, project_pk=project_pk, cycle=cycle)
        payload = serializers.ReportInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        values = dict(payload.validated_data)
        revision = values.pop("revision")
        entries = {}
        for entry in values.pop("entries", []):
            entry = dict(entry)
            entries[entry.pop("indicator")] = entry
        report_save(
            project=project,
            cycle=cycle,
            values=values,
            entries=entries,
            expected_revision=revision,
            acting_user=request.user,
            source="api",
            comment="通过接口保存",
        )
        return Response(serializers.ReportSerializer(self._report(request, cycle_pk, project_pk)).data)

    @staticmethod
    def _report(request, cycle_pk: int, project_pk: int):
        cycle = cycle_get(user=request.user, pk=cycle_pk)
        _project, report = report_for(user=request.user, project_pk=project_pk, cycle=cycle)
        return report


def _returned_projects(user, rows) -> dict:
    """The named projects the reviewer may see, each with its reason; the service checks they are the
    package's own."""
    wanted = {row["project"]: row["reason"] for row in rows}
    found = project_visible(user).filter(pk__in=wanted).in_bulk()
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise ValidationError({"projects": [f"项目 {pk} 不存在或您无权查看。" for pk in missing]})
    return {project: wanted[pk] for pk, project in found.items()}


TRANSITIONS = {
    "submit": lambda submission, user, decision: submission_submit(
        submission=submission, acting_user=user, confirmed=decision["confirmed"]
    ),
    "withdraw": lambda submission, user, decision: submission_withdraw(
        submission=submission, acting_user=user
    ),
    "return": lambda submission, user, decision: submission_return(
        submission=submission,
        comment=decision["comment"],
        projects=_returned_projects(user, decision["projects"]),
        acting_user=user,
    ),
    "accept": lambda submission, user, decision: submission_accept(
        submission=submission, comment=decision["comment"], acting_user=user
    ),
}


class PackageTransitionView(APIView):
    """报送、撤回、退回、审核通过 of a unit's package in a cycle, through the workflow services."""

    @extend_schema(
        summary="报送材料流转",
        description="action：submit 报送（confirmed 见下）、withdraw 撤回、"
        "return 退回补正（写明 comment，或在 projects 中逐项指明）、accept 审核通过。",
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(TRANSITIONS)),
        ],
        request=serializers.DecisionSerializer,
        responses={200: serializers.PackageDetailSerializer},
    )
    def post(self, request, cycle_pk: int, unit_pk: int, action: str):
        if action not in TRANSITIONS:
            raise Http404
        cycle = cycle_get(user=request.user, pk=cycle_pk)
        unit = package_unit_get(user=request.user, pk=unit_pk)
        try:
            submission = submission_for(organisation=unit, cycle=cycle)
        except ValidationError as exc:
            raise Http404 from exc  # as on the package page: this unit sends nothing in this cycle
        decision = serializers.DecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        submission = TRANSITIONS[action](submission, request.user, decision.validated_data)
        return Response(serializers.PackageDetailSerializer(submission).data)


def _csv_of(rows: list[dict]) -> bytes:
    """The rows as the CSV file the loaders read: the headers in the order first met, one line per row."""
    headers = list(dict.fromkeys(header for row in rows for header in row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if row.get(header) is None else row[header] for header in headers])
    return out.getvalue().encode("utf-8")


class LoadView(APIView):
    """JSON loads through the four loaders of 数据加载: the same checks, the whole set or nothing.

    For the bureau's data manager signed in, or a token of the finance bureau with the `load` scope (it
    loads as the scheduled job does; the token's use is in the audit trail)."""

    token_scope = TokenScope.LOAD

    @extend_schema(
        summary="数据加载",
        description="kind：projects 项目与预算、payments 月度支付与用款计划、targets 绩效目标与指标、"
        "organisations 机构。任何一行有错则整批不写入，并逐行列出问题；dry_run 为 true 时只预览。",
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=DATA_KINDS)],
        request=serializers.LoadInputSerializer,
        responses={200: serializers.LoadResultSerializer},
    )
    def post(self, request, kind: str):
        if kind not in DATA_KINDS:
            raise Http404
        if refusal := load_refusal(request.user):
            raise PermissionDenied(refusal)
        person = None if isinstance(request.user, OrganisationPrincipal) else request.user
        payload = serializers.LoadInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = _csv_of(payload.validated_data["rows"])
        filename = f"接口加载-{kind}.csv"
        if payload.validated_data["dry_run"]:
            outcome = plan_file(kind=kind, filename=filename, data=data)
            if not outcome.ok:
                raise LoadRefused(outcome.problems, outcome.table)
            counts, diff = outcome.plan.counts, outcome.plan.diff()
        else:
            run = load_file(kind=kind, filename=filename, data=data, acting_user=person)
            counts, diff = run.counts, run.diff
        result = {"dry_run": payload.validated_data["dry_run"], "counts": counts, **diff}
        return Response(serializers.LoadResultSerializer(result).data)


class NotFoundView(APIView):
    """Any other address under /api/v1/ answers 404 in the API's error shape, not the site's HTML page."""

    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise Http404
