"""The system administrator's account sheets: template, upload and preview, confirm, history. After the
confirmation the new accounts' one-time passwords are shown on that response only (not cached), with the
workbook of them built into the page for download; nothing keeps them."""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.core.files import XLSX_TYPE
from jixiao.core.http import download
from jixiao.loads import exports
from jixiao.loads.accounts import passwords_xlsx
from jixiao.loads.columns import COLUMNS, NOTES
from jixiao.loads.forms import AccountUploadForm
from jixiao.loads.models import LoadKind, LoadStatus
from jixiao.loads.parsing import LoadRefused
from jixiao.loads.policy import ACCOUNT_LOAD_ROLES
from jixiao.loads.selectors import load_run_get, load_run_list
from jixiao.loads.services import load_apply
from jixiao.loads.views import preview_upload
from jixiao.organisations.permissions import require_roles

HISTORY_PAGE_SIZE = 50
KINDS = [LoadKind.ACCOUNTS]


def _crumbs(*tail):
    return [
        ("系统管理", reverse("admin:index")),
        ("人员账号加载", reverse("account_loads:index") if tail else None),
        *tail,
    ]


def _index(request, form, status=200):
    runs = load_run_list(user=request.user, kinds=KINDS)
    context = {
        "form": form,
        "page": Paginator(runs, HISTORY_PAGE_SIZE).get_page(request.GET.get("page")),
        "columns": COLUMNS[LoadKind.ACCOUNTS],
        "note": NOTES[LoadKind.ACCOUNTS],
        "crumbs": _crumbs(),
    }
    return render(request, "loads/accounts/index.html", context, status=status)


@require_roles(*ACCOUNT_LOAD_ROLES)
def account_load_index(request):
    return _index(request, AccountUploadForm())


@require_roles(*ACCOUNT_LOAD_ROLES)
def account_load_template(request, extension: str):
    filename = f"{LoadKind.ACCOUNTS.label}模板.{extension}"
    if extension == "xlsx":
        return download(exports.template_xlsx(LoadKind.ACCOUNTS), filename, XLSX_TYPE)
    if extension == "csv":
        return download(exports.template_csv(LoadKind.ACCOUNTS), filename, "text/csv; charset=utf-8")
    raise Http404


@require_roles(*ACCOUNT_LOAD_ROLES)
@require_POST
def account_load_upload(request):
    form = AccountUploadForm(request.POST, request.FILES)
    if run := preview_upload(request, form, kind=LoadKind.ACCOUNTS):
        return redirect("account_loads:detail", run.pk)
    return _index(request, form, status=400)


@require_roles(*ACCOUNT_LOAD_ROLES)
def account_load_detail(request, pk: int):
    run = load_run_get(user=request.user, pk=pk, kinds=KINDS)
    context = {
        "run": run,
        "pending": run.status == LoadStatus.PREVIEWED,
        "unknown": run.options.get("unknown", []),
        "crumbs": _crumbs((run.filename, None)),
    }
    return render(request, "loads/accounts/detail.html", context)


@require_roles(*ACCOUNT_LOAD_ROLES)
@require_POST
def account_load_confirm(request, pk: int):
    run = load_run_get(user=request.user, pk=pk, kinds=KINDS)
    try:
        run = load_apply(run=run, checksum=request.POST.get("checksum", ""), acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("account_loads:detail", run.pk)
    except LoadRefused as exc:
        messages.error(request, f"未加载：{exc.problems[0]}")
        return redirect("account_loads:detail", run.pk)
    passwords = run.one_time_passwords
    workbook = base64.b64encode(passwords_xlsx(passwords)).decode() if passwords else ""
    context = {
        "run": run,
        "passwords": passwords,
        "workbook": workbook,
        "xlsx_type": XLSX_TYPE,
        "crumbs": _crumbs(
            (run.filename, reverse("account_loads:detail", args=[run.pk])), ("一次性密码", None)
        ),
    }
    response = render(request, "loads/accounts/passwords.html", context)
    response["Cache-Control"] = "no-store"
    return response
