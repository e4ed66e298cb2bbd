"""xlsx export of any list, with spreadsheet formula injection escaped."""

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_cell(value):
    """Text a spreadsheet would run as a formula is prefixed with a quote (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value):
    if value is None or isinstance(value, int | float | Decimal | datetime.date | datetime.datetime | bool):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return escape_cell(str(value))


def rows_to_xlsx(title, headers, rows):
    """Write headers and rows into an xlsx workbook; returns its bytes."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31] or "Sheet1")
    ws.append([escape_cell(str(h)) for h in headers])
    for row in rows:
        ws.append([_plain(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_to_xlsx(table, title):
    """Export a django-tables2 table (all rows, not just the page) with its visible columns."""
    columns = [c for c in table.columns if c.visible and c.name not in getattr(table, "export_exclude", ())]
    headers = [c.header for c in columns]

    def rows():
        for row in table.rows:
            yield [row.get_cell_value(c.name) for c in columns]

    return rows_to_xlsx(title, headers, rows())
