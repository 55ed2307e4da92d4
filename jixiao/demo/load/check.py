"""After the load: every save and package step the clients saw acknowledged is stored exactly once, and
nothing else was stored."""

from collections import Counter, defaultdict

from jixiao.monitoring.models import AnalysisReport
from jixiao.workflow.models import Step, Submission, SubmissionTransition

PACKAGE_ACTIONS = {"submit": "submission.submit", "withdraw": "submission.withdraw"}
LABELS = {"submit": "报送", "withdraw": "撤回"}


def check_load(*, plan: dict, acknowledgements: list[dict]) -> tuple[dict, list[str]]:
    """Counts of what was checked, and each loss, double or unknown outcome in words."""
    problems = []
    saves = defaultdict(list)
    steps = defaultdict(Counter)
    unknown = [entry for entry in acknowledgements if entry["kind"] == "unknown"]
    for entry in acknowledgements:
        if entry["kind"] == "save":
            saves[entry["project"]].append(entry["token"])
        elif entry["kind"] in PACKAGE_ACTIONS:
            steps[entry["unit"]][entry["kind"]] += 1
    problems += [f"结果不明的请求：{entry}" for entry in unknown]

    token_field = plan["token_field"]
    reports = {
        report.project_id: report
        for report in AnalysisReport.objects.filter(
            cycle=plan["cycle"], project__in=[filler["project"] for filler in plan["fillers"]]
        )
    }
    for filler in plan["fillers"]:
        report, tokens = reports[filler["project"]], saves[filler["project"]]
        stored = report.revision - filler["revision"]
        if stored != len(tokens):
            problems.append(f"项目 {filler['project']}：确认保存 {len(tokens)} 次，修订号前进 {stored} 次。")
        if tokens and tokens[-1] not in getattr(report, token_field):
            problems.append(f"项目 {filler['project']}：最后确认的保存 {tokens[-1]} 不是库中内容。")

    units = [leader["unit"] for leader in plan["leaders"]]
    submissions = {
        s.organisation_id: s
        for s in Submission.objects.filter(
            cycle=plan["cycle"], organisation__in=units, step=Step.UNIT_TO_PRIMARY
        )
    }
    stored_steps = defaultdict(Counter)
    for unit, action in SubmissionTransition.objects.filter(
        id__gt=plan["transitions_before"],
        subject__in=submissions.values(),
        action__in=PACKAGE_ACTIONS.values(),
    ).values_list("subject__organisation", "action"):
        stored_steps[unit][action] += 1
    for unit in units:
        for kind, action in PACKAGE_ACTIONS.items():
            seen, stored = steps[unit][kind], stored_steps[unit][action]
            if seen != stored:
                problems.append(f"单位 {unit}：确认{LABELS[kind]} {seen} 次，办理记录 {stored} 条。")
    counts = {
        "saves": sum(len(tokens) for tokens in saves.values()),
        "submits": sum(counter["submit"] for counter in steps.values()),
        "withdraws": sum(counter["withdraw"] for counter in steps.values()),
        "refused": sum(1 for entry in acknowledgements if entry["kind"] == "refused"),
        "unknown": len(unknown),
    }
    return counts, problems
