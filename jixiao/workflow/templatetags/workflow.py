from django import template

from jixiao.workflow.models import SubmissionState
from jixiao.workflow.selectors import returned_project_reasons

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    """A package state code as people read it (audit records keep the code)."""
    return SubmissionState(value).label if value in SubmissionState.values else value


@register.simple_tag
def returned_marks(cycle, projects) -> dict:
    """`{% returned_marks cycle page as returned %}`: the listed projects that a return asks to fix,
    by project id (one query for the whole list)."""
    if not cycle:
        return {}
    return returned_project_reasons(cycle=cycle, projects=[p.pk for p in projects])


@register.simple_tag
def returned_mark(cycle, project):
    """`{% returned_mark cycle project as mark %}`: this project's row in its package's standing return."""
    if not cycle or not project:
        return None
    return returned_project_reasons(cycle=cycle, projects=[project.pk]).get(project.pk)
