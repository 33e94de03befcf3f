"""Excel (.xlsx) downloads that open safely: the same table a CSV export
gives, with dates as real dates and no cell a spreadsheet would run."""

import datetime
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def xlsx_response(filename: str, header: list[str], rows, *, title: str = "Export") -> HttpResponse:
    """An .xlsx download: a header row, then one row per item in ``rows``.

    Cells hold numbers, dates (naive, in UK time) and text. openpyxl would
    write text starting with ``=`` as a formula, so every text cell is set
    to the string type: what someone typed stays what they typed.
    """
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit on a sheet's name
    sheet.append([str(label) for label in header])
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _set_cell(sheet.cell(row=row_number, column=column), value)
    sheet.freeze_panes = "A2"
    for column, label in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(12, len(str(label)) + 2)

    content = io.BytesIO()
    workbook.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _set_cell(cell, value):
    if value is None or value == "":
        return
    if isinstance(value, bool):
        cell.value = "Yes" if value else "No"
        cell.data_type = TYPE_STRING
    elif isinstance(value, datetime.datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int | float):
        cell.value = value
    elif hasattr(value, "as_tuple"):  # Decimal: Excel keeps numbers as floats
        cell.value = float(value)
    else:
        cell.value = str(value)
        cell.data_type = TYPE_STRING  # never a formula
