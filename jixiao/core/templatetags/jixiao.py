"""Template glue for the display rules of `jixiao.core.formatting` and the due-date badge."""

from datetime import date

from django import template
from django.utils.html import format_html_join

from jixiao.core import formatting

register = template.Library()

register.filter("wan", formatting.wan)
register.filter("pct", formatting.pct)
register.filter("ratio", formatting.ratio)
register.filter("days_left", formatting.days_left)


@register.inclusion_tag("includes/due_badge.html")
def due_badge(due: date | None):
    """ "还剩 N 天" / "今日截止" / "已逾期 N 天", in the colour of its urgency."""
    days = formatting.days_left(due)
    return {"due": due, "days": days, "overdue": -days if days is not None and days < 0 else 0}


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def field_errors(field):
    """A field's errors under it; 附件1 has over a hundred fields, where an include per field was a cost."""
    return format_html_join("", '<p class="error field-error">{}</p>', ((error,) for error in field.errors))
