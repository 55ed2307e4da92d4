"""Chinese formats with ISO dates first.

Django's zh_Hans module puts ``%Y/%m/%d`` first, and a date input renders its value in the first input
format; browsers accept only ``yyyy-mm-dd`` in ``<input type="date">``, so a saved date would show empty
and be lost at the next save.
"""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403
from django.conf.locale.zh_Hans.formats import DATE_INPUT_FORMATS as _DJANGO_DATE_INPUT_FORMATS
from django.conf.locale.zh_Hans.formats import DATETIME_INPUT_FORMATS as _DJANGO_DATETIME_INPUT_FORMATS

DATE_INPUT_FORMATS = ["%Y-%m-%d", *(f for f in _DJANGO_DATE_INPUT_FORMATS if f != "%Y-%m-%d")]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    *(f for f in _DJANGO_DATETIME_INPUT_FORMATS if f != "%Y-%m-%d %H:%M"),
]
