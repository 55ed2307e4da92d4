"""The widgets drawn in Python are exactly what Django's templates draw."""

import datetime
from decimal import Decimal
from pathlib import Path

import django.forms
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from jixiao.core.fields import IsoDateInput
from jixiao.core.widget_rendering import WidgetRenderer

TEMPLATES, DRAWN = DjangoTemplates(), WidgetRenderer()
ATTRS = [
    {},
    {"class": "num", "placeholder": "万元", "autofocus": True, "readonly": False},
    {"data-x": "\"<&>'", "maxlength": 300, "step": Decimal("0.01"), "title": gettext_lazy("监控周期")},
    {"aria-label": mark_safe("<b>已转义</b>")},
]
VALUES = [None, "", "0", 0, 1234567, Decimal("1234.50"), 'a < b & "c"', mark_safe("<i>x</i>"), "多行\n文本"]
WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.HiddenInput,
    forms.PasswordInput,
    forms.DateInput,
    IsoDateInput,
    forms.TimeInput,
    forms.Textarea,
]
CHOICES = [
    [("", "---------"), ("red", "红色"), ("yellow", gettext_lazy("黄色")), (3, 3), ("<&>", "<b>")],
    [("组一", [("1", "一"), ("2", "二")]), ("", [("3", "三")]), (Decimal("4.5"), 12345)],
]


def both(widget, name, value, attrs):
    return (
        widget.render(name, value, attrs=attrs, renderer=TEMPLATES),
        widget.render(name, value, attrs=attrs, renderer=DRAWN),
    )


@pytest.mark.parametrize("widget_class", WIDGETS)
@pytest.mark.parametrize("attrs", ATTRS)
def test_inputs_and_textareas_are_the_templates_own(widget_class, attrs):
    for value in [*VALUES, datetime.date(2026, 8, 31)]:
        templated, drawn = both(widget_class(attrs=attrs), "projected_fiscal", value, {"id": "id_x"})
        assert drawn == templated


@pytest.mark.parametrize("choices", CHOICES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_selects_are_the_templates_own(choices, attrs):
    for value in ["", "red", "2", 3, None, "<&>", "4.5"]:
        templated, drawn = both(forms.Select(attrs=attrs, choices=choices), "level", value, {"id": "id_l"})
        assert drawn == templated
    templated, drawn = both(forms.SelectMultiple(choices=choices), "levels", ["1", "red"], {})
    assert drawn == templated


def test_other_widgets_are_rendered_by_the_templates():
    for widget in (forms.CheckboxInput(), forms.RadioSelect(choices=CHOICES[0]), forms.ClearableFileInput()):
        assert both(widget, "x", "red", {"id": "id_x"})[1] == both(widget, "x", "red", {"id": "id_x"})[0]


def test_an_app_overriding_a_widget_template_keeps_it(settings, tmp_path):
    overridden = tmp_path / "django" / "forms" / "widgets"
    overridden.mkdir(parents=True)
    (overridden / "text.html").write_text("<span>{{ widget.name }}</span>")

    class Overridden(WidgetRenderer):
        @property
        def engine(self):
            dirs = [tmp_path, Path(django.forms.__file__).parent / "templates"]
            return self.backend({"APP_DIRS": True, "DIRS": dirs, "NAME": "overridden", "OPTIONS": {}})

    renderer = Overridden()
    assert forms.TextInput().render("x", "1", renderer=renderer) == "<span>x</span>"
    assert (
        forms.Textarea().render("x", "1", renderer=renderer)
        == '<textarea name="x" cols="40" rows="10">\n1</textarea>'
    )
