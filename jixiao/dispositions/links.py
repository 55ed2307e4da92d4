"""The link from a candidate to the leader's funding decision page, prefilled with why it is listed.

The funding page belongs to the funding app (`funding:decide`); while that app is not installed the
list shows no link rather than failing.
"""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


def funding_decide_url(project_id: int, reasons: list[tuple[str, str]]) -> str | None:
    """`funding:decide` for the project with one `basis=<kind>:<label>` per reason, or None without it."""
    try:
        base = reverse("funding:decide", args=[project_id])
    except NoReverseMatch:
        return None
    query = urlencode([("basis", f"{kind}:{label}") for kind, label in reasons])
    return f"{base}?{query}" if query else base
