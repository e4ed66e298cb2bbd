"""{% table_body table %}: a table's <tbody> written in Python.

django-tables2's template renders about ten template nodes per cell; a 50-row page of the asset
register has 650 cells, and drawing them cost more than everything else on the page together
(bench/assets_list.py). This writes the same markup — row attributes, each column's td
attributes, the cell as `{{ cell }}` / `|localize` / `|unlocalize` would show it, the empty text —
directly.
"""

from django import template
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize as localize_filter
from django.templatetags.l10n import unlocalize as unlocalize_filter
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def table_body(context, table):
    parts = [format_html("<tbody {}>", table.attrs["tbody"].as_html())]
    count = 0
    td_attrs = {}  # per column, when its td attributes do not depend on the row
    for row in table.paginated_rows:
        count += 1
        cells = []
        for column, cell in row.items():
            td = td_attrs.get(column.name)
            if td is None:
                td = column.attrs["td"].as_html()
                if not any(callable(v) for v in column.column.attrs.get("td", {}).values()):
                    td_attrs[column.name] = td
            if column.localize is None:
                shown = render_value_in_context(cell, context)
            elif column.localize:
                shown = conditional_escape(localize_filter(cell))
            else:
                shown = conditional_escape(unlocalize_filter(cell))
            cells.append(f"<td {td}>{shown}</td>")
        parts.append(f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>")
    if not count and table.empty_text:
        parts.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text))
    parts.append("</tbody>")
    return mark_safe("".join(parts))
