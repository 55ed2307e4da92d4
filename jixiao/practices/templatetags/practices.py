from django import template

from jixiao.practices.selectors import promoted_practice_of

register = template.Library()


@register.simple_tag(takes_context=True)
def promoted_practice(context, report=None, submission=None):
    """`{% promoted_practice report=report as practice %}`: the bureau's mark on this material, as the
    person may see it (None when not marked or not theirs to see)."""
    source = report if report is not None else submission
    if source is None or source.pk is None:  # not saved yet: nothing can be marked
        return None
    return promoted_practice_of(user=context["request"].user, report=report, submission=submission)
