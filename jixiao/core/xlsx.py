"""Writing cells of the workbooks the system exports.

openpyxl treats any string that starts with ``=`` as a formula. Targets such as ``=100%`` and text a
unit typed (``=HYPERLINK(…)``) must reach the sheet as the text they are, never run on a bureau
computer, so every cell written from data goes through :func:`put_value`.
"""

from django.utils.functional import Promise
from openpyxl.cell.cell import Cell


def put_value(cell: Cell, value) -> Cell:
    """Store ``value`` in ``cell``: numbers and dates as themselves, every text as a string."""
    if isinstance(value, Promise):
        value = str(value)
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell
