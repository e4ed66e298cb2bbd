"""Word documents people print, sign and file: the purchase order and the acceptance
certificate (验收单). Built with python-docx, in the language of the request."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .services.common import number_text


def _document(title, school):
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(10.5)
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(f"{school.name}\n{title}")
    run.bold = True
    run.font.size = Pt(16)
    return doc


def _facts(doc, pairs):
    table = doc.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    for i in range(0, len(pairs), 2):
        cells = table.add_row().cells
        for j, (label, value) in enumerate(pairs[i : i + 2]):
            cells[j * 2].text = str(label)
            cells[j * 2 + 1].text = str(value if value not in (None, "") else "—")


def _grid(doc, headers, rows):
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)
    return table


def _signatures(doc, labels):
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=len(labels))
    for cell, label in zip(table.rows[0].cells, labels, strict=True):
        cell.text = f"{label}：\n\n\n{_('Date')}："


def _bytes(doc):
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def order_docx(order):
    doc = _document(_("Purchase order"), order.school)
    supplier = order.supplier
    _facts(
        doc,
        [
            (_("Number"), order.number),
            (_("Ordered on"), order.ordered_on.isoformat()),
            (_("Supplier"), supplier.name),
            (_("Delivery expected by"), order.expected_on.isoformat()),
            (_("Contact person"), supplier.contact_person),
            (_("Phone"), supplier.phone),
            (_("Deliver to"), order.delivery_place),
            (_("Buyers"), "、".join(str(u) for u in order.buyers.order_by("full_name", "username"))),
        ],
    )
    doc.add_paragraph()
    lines = order.lines.select_related("request_line__request").order_by("request_line__position", "pk")
    _grid(
        doc,
        [
            _("No."),
            _("Name"),
            _("Specification"),
            _("Unit"),
            _("Quantity"),
            _("Unit price (yuan)"),
            _("Amount (yuan)"),
            _("Request"),
        ],
        [
            [
                i,
                ol.request_line.name,
                ol.request_line.specification,
                ol.request_line.unit,
                number_text(ol.quantity),
                ol.unit_price,
                ol.amount,
                ol.request_line.request.number,
            ]
            for i, ol in enumerate(lines, start=1)
        ],
    )
    doc.add_paragraph(f"{_('Total (yuan)')}：{order.total}")
    if order.note:
        doc.add_paragraph(f"{_('Note')}：{order.note}")
    _signatures(doc, [_("Buyer"), _("Head of logistics"), _("Supplier")])
    return _bytes(doc)


def inspection_docx(inspection):
    order = inspection.order
    doc = _document(_("Acceptance certificate"), inspection.school)
    _facts(
        doc,
        [
            (_("Number"), inspection.number),
            (_("Inspected on"), inspection.inspected_on.isoformat()),
            (_("Order"), order.number),
            (_("Supplier"), order.supplier.name),
            (_("Delivery note number"), inspection.delivery_note_number),
            (_("Invoice number"), inspection.invoice_number),
        ],
    )
    doc.add_paragraph()
    lines = inspection.lines.select_related("order_line__request_line").order_by(
        "order_line__request_line__position", "pk"
    )
    _grid(
        doc,
        [
            _("No."),
            _("Name"),
            _("Specification"),
            _("Unit"),
            _("Ordered"),
            _("Delivered"),
            _("Accepted"),
            _("Rejected"),
            _("Why rejected"),
            _("Unit price (yuan)"),
            _("Accepted value (yuan)"),
        ],
        [
            [
                i,
                row.order_line.request_line.name,
                row.order_line.request_line.specification,
                row.order_line.request_line.unit,
                number_text(row.order_line.quantity),
                number_text(row.delivered_quantity),
                number_text(row.accepted_quantity),
                number_text(row.rejected_quantity),
                row.rejection_reason,
                row.unit_price,
                row.accepted_amount,
            ]
            for i, row in enumerate(lines, start=1)
        ],
    )
    doc.add_paragraph(
        f"{_('Delivered value (yuan)')}：{inspection.delivered_total}　{_('Accepted value (yuan)')}：{inspection.accepted_total}"
    )
    if inspection.note:
        doc.add_paragraph(f"{_('Note')}：{inspection.note}")
    inspectors = [str(u) for u in inspection.inspectors.order_by("full_name", "username")]
    doc.add_paragraph(f"{_('Inspectors')}：{'、'.join(inspectors)}")
    _signatures(doc, [_("Inspector") for _u in inspectors] + [_("Storekeeper"), _("Head of logistics")])
    return _bytes(doc)
