"""Form widgets drawn in Python instead of through Django's widget templates, byte for byte the same.

附件1 renders over a hundred fields; through the templates, widgets were a third of the page's CPU. Only
Django's own input, textarea and select templates are replaced, and only while no app overrides them;
every other template (and every overridden one) is rendered by the template engine as before.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.safestring import SafeData, mark_safe

_DJANGO_WIDGETS = Path(django.forms.__file__).parent / "templates" / "django" / "forms" / "widgets"
# The context every `{{ … }}` of a widget template renders in (autoescape on, settings' l10n and tz).
_CONTEXT = Context()


def _text(value) -> str:
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        out = "%s" % value  # noqa: UP031 — the filter's own formatting, kept exact
    except (ValueError, TypeError):
        out = ""
    return _text(mark_safe(out) if isinstance(value, SafeData) else out)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


OPTION = "django/forms/widgets/select_option.html"


def _option(option: dict) -> str:
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


INPUTS = ("text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel")
DRAWN = {
    **{f"django/forms/widgets/{name}.html": _input for name in INPUTS},
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
}


class WidgetRenderer(DjangoTemplates):
    """The default form renderer, drawing the common widgets directly."""

    def __init__(self):
        super().__init__()
        own = [OPTION, "django/forms/widgets/attrs.html", "django/forms/widgets/input.html", *DRAWN]
        self._drawn = {} if any(not self._is_djangos(name) for name in own) else DRAWN

    def _is_djangos(self, template_name: str) -> bool:
        return Path(self.get_template(template_name).origin.name).parent == _DJANGO_WIDGETS

    def render(self, template_name, context, request=None):
        draw = self._drawn.get(template_name)
        drawn = draw(context["widget"]) if draw is not None and "widget" in context else None
        return drawn if drawn is not None else super().render(template_name, context, request)
