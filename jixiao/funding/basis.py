"""The findings a funding decision rests on, as a list of {kind, label, url} items.

A page that sends the leader to the decision page (a warning, a disposition, an overdue rectification,
an oversight finding) passes its items in the query string, one `basis` parameter each:

    /funding/projects/<id>/decide/?basis=warning:执行进度滞后时间进度 25 个百分点|/projects/7/

`<kind>:<label>`, optionally followed by `|<url>` (a path on this site); `basis_query` writes it. The
decision page posts the items it offers in the same form, so one parser reads both.
"""

from urllib.parse import urlencode

from jixiao.funding.models import BASIS_KINDS

MAX_ITEMS = 50
MAX_LABEL = 300
MAX_URL = 500


def basis_item(kind: str, label: str, url: str = "") -> dict:
    return {"kind": kind, "label": label, "url": url}


def encode_basis(item: dict) -> str:
    text = f"{item['kind']}:{item['label']}"
    return f"{text}|{item['url']}" if item.get("url") else text


def decode_basis(text: str) -> dict:
    """One item from its `<kind>:<label>[|<url>]` form; `clean_basis` then says what is wrong with it."""
    kind, _sep, rest = (text or "").partition(":")
    label, url = rest, ""
    if "|/" in rest:
        label, _bar, url = rest.rpartition("|")
    return basis_item(kind.strip(), label.strip(), url.strip())


def basis_query(items) -> str:
    """The query string that prefills the decision page with `items`."""
    return urlencode([("basis", encode_basis(item)) for item in items])


def _safe_url(url: str) -> bool:
    """Only a path on this site is kept as a link: no scheme, no other host, no spaces."""
    return (
        url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and not any(c.isspace() for c in url)
    )


def clean_basis(items) -> tuple[list[dict], list[str]]:
    """(the items as stored, in order and without repeats; the problems found) of what was submitted."""
    cleaned: list[dict] = []
    problems: list[str] = []
    for raw in items or []:
        if not isinstance(raw, dict):
            problems.append("依据的格式不正确。")
            continue
        kind = str(raw.get("kind") or "").strip()
        label = " ".join(str(raw.get("label") or "").split())
        url = str(raw.get("url") or "").strip()
        if kind not in BASIS_KINDS:
            problems.append(f"依据类型“{kind}”无效，应为预警、预警处置、整改、监督发现或其他。")
        elif not label:
            problems.append("依据须写明内容。")
        elif len(label) > MAX_LABEL:
            problems.append(f"依据“{label[:20]}…”超过 {MAX_LABEL} 字。")
        elif url and (len(url) > MAX_URL or not _safe_url(url)):
            problems.append(f"依据“{label[:20]}”的链接不是本系统的页面。")
        else:
            item = basis_item(kind, label, url)
            if item not in cleaned:
                cleaned.append(item)
    if len(cleaned) > MAX_ITEMS:
        problems.append(f"依据最多 {MAX_ITEMS} 项。")
    return cleaned, problems
