"""Excel ledgers for the import tests, built as schools build them: with openpyxl (title rows,
merged headers, blank and 合计 rows), or part by part as XML for what openpyxl does not write
(formulas with their saved values, a namespace prefix, hostile packages)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADER = [
    "资产编号",
    "资产名称",
    "分类",
    "规格型号",
    "单位",
    "单价",
    "数量",
    "金额",
    "取得日期",
    "存放地点",
    "保管人",
]


def xlsx(rows, *, title="资产明细", merges=(), sheets=None):
    """A workbook whose first sheet holds `rows` (lists of cell values, None for empty); `merges`
    are ranges like "A1:K1"; `sheets` adds more sheets {name: rows} after it."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    for name, more in (sheets or {}).items():
        extra = book.create_sheet(name)
        for row in more:
            extra.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data, name="资产台账.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def ledger(*rows, title_rows=True, header=HEADER, footer=()):
    """A typical ledger: a title and a unit line above the header, then `rows`, then `footer`."""
    top = [["黄竹林学校固定资产明细表"], ["单位：元"]] if title_rows else []
    return xlsx([*top, header, *rows, *footer])


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def workbook_xml(*, date1904=False, prefix=""):
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    pr = f'<{p}workbookPr date1904="1"/>' if date1904 else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}workbook {ns} xmlns:r="{REL}">{pr}'
        f'<{p}sheets><{p}sheet name="台账" sheetId="1" r:id="rId1"/></{p}sheets></{p}workbook>'
    )


def sheet_xml(body, *, prefix=""):
    """A worksheet part around `body` (the <row> elements, written with `prefix`)."""
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}><{p}sheetData>{body}</{p}sheetData></{p}worksheet>'


def strings_xml(items):
    """Shared strings; an item is a text, or raw <si> content."""
    sis = "".join(f"<si>{item if item.startswith('<') else f'<t>{item}</t>'}</si>" for item in items)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{len(items)}">{sis}</sst>'


def raw_xlsx(sheet, *, strings=(), workbook=None, extra=None, compress=zipfile.ZIP_DEFLATED):
    """A package written part by part: the worksheet XML `sheet`, shared `strings`, `extra`
    parts {name: bytes or text}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook or workbook_xml())
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", strings_xml(list(strings)))
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()
