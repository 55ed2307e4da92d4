"""The link from a candidate to the leader's funding decision page, prefilled with why it is listed."""

from django.urls import reverse

from jixiao.funding.basis import basis_item, basis_query
from jixiao.funding.policy import can_decide


def funding_decide_url(user, project, reasons: list[tuple[str, str]]) -> str | None:
    """`funding:decide` for the project with one basis item per (kind, label) reason, for the person who
    may decide (局领导); nobody else gets a link to a page that would refuse them."""
    if not can_decide(user, project):
        return None
    base = reverse("funding:decide", args=[project.pk])
    query = basis_query(basis_item(kind, label) for kind, label in reasons)
    return f"{base}?{query}" if query else base
