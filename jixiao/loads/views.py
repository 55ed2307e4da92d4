from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.core.files import XLSX_TYPE
from jixiao.core.http import download
from jixiao.jobs.selectors import job_active_for
from jixiao.jobs.services import params_key_of
from jixiao.loads import exports
from jixiao.loads.columns import COLUMNS, NOTES
from jixiao.loads.forms import ProjectDetailsForm, UploadForm
from jixiao.loads.models import LoadKind, LoadRun, LoadStatus
from jixiao.loads.parsing import IGNORE, LoadRefused, read_bytes
from jixiao.loads.policy import DATA_KINDS, LOAD_ROLES
from jixiao.loads.selectors import load_run_get, load_run_list
from jixiao.loads.services import (
    APPLY_JOB,
    load_apply_params,
    load_choose_progress,
    load_confirm,
    load_map_columns,
    load_preview,
)
from jixiao.organisations.permissions import require_roles
from jixiao.projects.models import ProgressType
from jixiao.projects.selectors import project_get
from jixiao.projects.services import project_details_update

HISTORY_PAGE_SIZE = 50
CRUMB = ("数据加载", "loads:index")


def _crumbs(*tail):
    return [(CRUMB[0], reverse(CRUMB[1]) if tail else None), *tail]


def _index_context(request, form):
    page = Paginator(load_run_list(user=request.user), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = [
        {"kind": kind, "label": label, "columns": COLUMNS[kind], "note": NOTES[kind]}
        for kind, label in LoadKind.choices
        if kind in DATA_KINDS
    ]
    return {"form": form, "page": page, "kinds": kinds, "crumbs": _crumbs()}


@require_roles(*LOAD_ROLES)
def load_index(request):
    return render(request, "loads/index.html", _index_context(request, UploadForm()))


@require_roles(*LOAD_ROLES)
def load_template(request, kind: str, extension: str):
    if kind not in DATA_KINDS or extension not in ("xlsx", "csv"):
        raise Http404
    if request.GET.get("data") and extension == "csv":
        # The stored rows in the template's columns: the starting point for a correction re-loaded later.
        content = exports.template_csv(kind, exports.data_rows(kind))
        return download(content, f"{LoadKind(kind).label}（现有数据）.csv", "text/csv; charset=utf-8")
    filename = f"{LoadKind(kind).label}模板.{extension}"
    if extension == "xlsx":
        return download(exports.template_xlsx(kind), filename, XLSX_TYPE)
    return download(exports.template_csv(kind), filename, "text/csv; charset=utf-8")


def preview_upload(request, form, *, kind: str = "") -> LoadRun | None:
    """The preview run of the uploaded file (of `kind`, else the kind the form names), or None with
    the form's or the file's refusal on the form."""
    if not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    try:
        data = read_bytes(upload)
    except LoadRefused as exc:
        form.add_error("file", str(exc.problems[0]))
        return None
    return load_preview(
        kind=kind or form.cleaned_data["kind"], filename=upload.name, data=data, acting_user=request.user
    )


@require_roles(*LOAD_ROLES)
@require_POST
def load_upload(request):
    form = UploadForm(request.POST, request.FILES)
    if run := preview_upload(request, form):
        return redirect("loads:detail", run.pk)
    return render(request, "loads/index.html", _index_context(request, form), status=400)


@require_roles(*LOAD_ROLES)
def load_detail(request, pk: int):
    run = load_run_get(user=request.user, pk=pk)
    columns = COLUMNS[run.kind]
    matched = set(run.options.get("matched", []))
    pending = run.status == LoadStatus.PREVIEWED
    loading = pending and job_active_for(kind=APPLY_JOB, params_key=params_key_of(load_apply_params(run)))
    context = {
        "run": run,
        "pending": pending and not loading,
        "loading": loading,
        "unknown": run.options.get("unknown", []) if run.status != LoadStatus.APPLIED and not loading else [],
        "free_columns": [c for c in columns if c.field not in matched],
        "ignore": IGNORE,
        "progress_choices": ProgressType.choices,
        "crumbs": _crumbs((f"{run.get_kind_display()} · {run.filename}", None)),
    }
    return render(request, "loads/detail.html", context)


def _preview_again(request, run, service, done: str, **choice):
    """Apply the person's choice to a pending load (`service` previews it again) and say how it went."""
    try:
        service(run=run, acting_user=request.user, **choice)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, done)
    return redirect("loads:detail", run.pk)


@require_roles(*LOAD_ROLES)
@require_POST
def load_columns(request, pk: int):
    run = load_run_get(user=request.user, pk=pk)
    unknown = run.options.get("unknown", [])
    mapping = {
        header: request.POST[f"map-{index}"]
        for index, header in enumerate(unknown)
        if request.POST.get(f"map-{index}")
    }
    return _preview_again(
        request, run, load_map_columns, "已记住列对应关系，并按新的对应关系重新预览。", mapping=mapping
    )


@require_roles(*LOAD_ROLES)
@require_POST
def load_progress(request, pk: int):
    run = load_run_get(user=request.user, pk=pk)
    keys = {
        entry["key"]
        for item in run.diff.get("created", []) + run.diff.get("changed", [])
        for entry in item.get("inferred", [])
    }
    progress = {
        key: request.POST[f"progress-{key}"]
        for key in keys
        if request.POST.get(f"progress-{key}") in ProgressType.values
    }
    return _preview_again(request, run, load_choose_progress, "已按所选进度类型重新预览。", progress=progress)


@require_roles(*LOAD_ROLES)
@require_POST
def load_confirm_view(request, pk: int):
    """The load runs in the background; its page shows the progress and leads back here when it is done."""
    run = load_run_get(user=request.user, pk=pk)
    try:
        job = load_confirm(run=run, checksum=request.POST.get("checksum", ""), acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("loads:detail", run.pk)
    messages.success(request, "已开始加载，完成后会通知您。")
    return redirect("jobs:detail", pk=job.pk)


@require_roles(*LOAD_ROLES)
def project_edit(request, pk: int):
    project = project_get(user=request.user, pk=pk)
    form = ProjectDetailsForm(
        request.POST or None, instance=project, initial={"agencies": project.agencies.all()}
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            project_details_update(
                project=project,
                values=values,
                agencies=form.cleaned_data["agencies"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "项目信息已保存。")
            return redirect("projects:project_detail", project.pk)
    context = {
        "project": project,
        "form": form,
        "crumbs": [
            ("项目", reverse("projects:project_list")),
            (project.name, reverse("projects:project_detail", args=[project.pk])),
            ("编辑项目信息", None),
        ],
    }
    return render(request, "loads/project_edit.html", context)
