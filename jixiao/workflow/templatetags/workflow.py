from django import template

from jixiao.workflow.models import SubmissionState

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    """A package state code as people read it (audit records keep the code)."""
    return SubmissionState(value).label if value in SubmissionState.values else value
