"""Reading the Excel ledgers schools keep (资产台账): the workbook, its header, its cell values.

Real ledgers are messy: title rows above the header ("XX学校固定资产明细表", "单位：元"), a header
split over two rows or a merged "金额" over its sub-columns, blank rows, a 合计 row, numbers typed
as text ("1,200.00", "￥1200"), dates as Excel serials or as "2019.9.1", "2019年9月1日", "201909",
full-width characters. This module turns such a sheet into numbered rows of plain values and
says which column holds what; it knows nothing of the database (services.imports does the
matching and the checks).

The workbook is read as a stream, not loaded: the parts of the zip are checked against size
limits before anything is decompressed (a zip bomb is refused), the XML is parsed by expat with
any DTD refused (no entity expansion), and the rows of the sheet come one at a time, so memory
stays flat whatever the number of rows. Formulas are not evaluated: a cell holds the value
Excel saved with it (data only). openpyxl's read-only mode does the same job four to five times
slower (21 s for 100,000 rows of 22 columns on our machines); the format read here is the small
part of SpreadsheetML a ledger uses.
"""

import dataclasses
import datetime
import gzip
import pickle
import posixpath
import re
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.parsers import expat

from django.utils.translation import gettext as _

MAX_COLUMNS = 200  # cells further right are ignored
MAX_CELL_CHARS = 32767  # what Excel holds in a cell; a longer text (a hostile file) is cut
HEADER_SCAN_ROWS = 30  # the header is looked for among the first rows that hold something
EXAMPLES = 3  # values shown under each column on the mapping page
CHUNK = 1 << 18
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SEP = "\x1f"  # expat's namespace separator: "uri\x1flocal"
CENT = Decimal("0.01")


class SheetError(Exception):
    """A file that cannot be read as a ledger; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class Limits:
    """How big a workbook may be: the file, each part once decompressed, the shared strings,
    the rows of the sheet."""

    file_bytes: int
    rows: int
    part_bytes: int = 512 * 1024 * 1024
    strings_bytes: int = 64 * 1024 * 1024
    ratio: int = 200  # a part may decompress to at most this many times its compressed size


class CellError(str):
    """An Excel error value (#N/A, #DIV/0! …), kept as its text."""


# ---------------------------------------------------------------------------------------------
# Text


FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
FULL_WIDTH.update({0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x200B: None, 0xFEFF: None})
SPACES = re.compile(r"\s+")


def clean_text(value):
    """A cell as one line of text: full-width letters, digits and signs made half-width, spaces
    collapsed, numbers without a trailing ".0" (a code typed as a number is still the code)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).translate(FULL_WIDTH)
    if not text.isprintable() or "  " in text or text[:1].isspace() or text[-1:].isspace():
        text = SPACES.sub(" ", text).strip()
    return text


def number_text(number):
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


HEADER_NOISE = re.compile(r"[\s*:_\-·.、]")
HEADER_UNIT = re.compile(r"[(\[【][^)\]】]*[)\]】]")


def header_key(text):
    """A header cell as it is compared: half-width, lower case, without spaces, asterisks
    ("*资产名称"), colons, or a unit in brackets ("单价（元）")."""
    key = HEADER_NOISE.sub("", clean_text(text).lower())
    return HEADER_UNIT.sub("", key) or key


# ---------------------------------------------------------------------------------------------
# What the columns of a school ledger are called
#
# Field names are those of the asset card (models.Asset) and the import's own ("category_code",
# a column with the category code next to one with its name). Several names per field: what the
# finance software, the county's templates and schools' own sheets use.

HEADER_NAMES = {
    "code": ("资产编号", "资产编码", "资产代码", "编号", "卡片编号", "资产卡片编号", "卡片号", "code"),
    "name": ("资产名称", "名称", "物品名称", "设备名称", "品名", "财产名称", "名称及规格", "name"),
    "category_code": ("分类代码", "分类编码", "分类编号", "资产分类代码", "资产分类编码", "分类号"),
    "category": (
        "分类",
        "资产分类",
        "分类名称",
        "资产分类名称",
        "资产类别",
        "类别",
        "资产类别名称",
        "category",
    ),
    "specification": ("规格型号", "规格", "规格型号及参数", "技术参数", "specification"),
    "model_number": ("型号", "model"),
    "brand": ("品牌", "品牌商标", "商标", "brand"),
    "serial_number": ("序列号", "出厂编号", "出厂号", "产品序列号", "serial"),
    "manufacturer": ("生产厂家", "厂家", "制造商", "生产厂商", "manufacturer"),
    "unit": ("单位", "计量单位", "unit"),
    "unit_price": ("单价", "单价元", "单位价格", "单价(元)", "unitprice"),
    "quantity": ("数量", "实有数量", "账面数量", "quantity"),
    "amount": (
        "金额",
        "原值",
        "价值",
        "资产原值",
        "账面原值",
        "账面价值",
        "价值原值",
        "总价",
        "金额元",
        "amount",
    ),
    "acquired_on": (
        "取得日期",
        "购置日期",
        "购入日期",
        "购买日期",
        "购进日期",
        "采购日期",
        "取得时间",
        "购置时间",
        "acquiredon",
    ),
    "booked_on": ("入账日期", "记账日期", "入账时间", "bookedon"),
    "warranty_until": ("保修截止日期", "保修期至", "保修截止", "保修到期日"),
    "room": ("存放地点", "存放位置", "房间", "存放地", "使用地点", "所在位置", "安放地点", "位置", "room"),
    "department": ("使用部门", "部门", "使用单位", "管理部门", "所属部门", "使用科室", "department"),
    "custodian": ("保管人", "责任人", "管理人", "保管员", "custodian"),
    "used_by": ("使用人", "领用人", "usedby"),
    "funding_source": ("经费来源", "资金来源", "经费来源名称"),
    "procurement_form": ("采购组织形式", "采购形式", "采购方式", "政府采购形式"),
    "acquisition_method": ("取得方式", "增加方式", "来源方式", "取得方式名称"),
    "use_purpose": ("使用方向", "用途", "使用用途"),
    "supplier": ("供应商", "销售商", "供货单位", "供货商", "supplier"),
    "contract_number": ("合同号", "合同编号"),
    "invoice_number": ("发票号", "发票号码", "发票编号"),
    "voucher_number": ("凭证号", "记账凭证号", "会计凭证号", "凭证编号"),
    "status": ("使用状况", "使用状态", "状态", "资产状态"),
    "condition": ("现状", "完好情况", "完好状况", "资产状况", "新旧程度"),
    "note": ("备注", "说明", "备注说明", "note"),
}
# A header holding one of these is not an amount, whatever else it says ("累计折旧金额").
NOT_AMOUNT = ("折旧", "净值", "残值", "净额", "摊销")
EXACT = {header_key(name): field for field, names in HEADER_NAMES.items() for name in names}
BY_LENGTH = sorted(((k, f) for k, f in EXACT.items() if len(k) >= 2), key=lambda kf: -len(kf[0]))


def recognise(text):
    """(field, exact) for a header text, or (None, False). Exact names first; then a name the
    header contains ("使用部门名称" is the department): the longest, then the one nearer the start
    (a compound names its head first: "部门名称" is a department's name, not the card's)."""
    key = header_key(text)
    if not key:
        return None, False
    if key in EXACT:
        return EXACT[key], True
    best = None
    for name, field_name in BY_LENGTH:
        position = key.find(name)
        if position < 0 or (field_name == "amount" and any(word in key for word in NOT_AMOUNT)):
            continue
        rank = (len(name), -position)
        if best is None or rank > best[0]:
            best = (rank, field_name)
    return (best[1], False) if best else (None, False)


# ---------------------------------------------------------------------------------------------
# Values


MONEY_NOISE = re.compile(r"[\s,￥¥元$]|rmb|cny", re.IGNORECASE)
NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def to_decimal(value):
    """A number from a numeric cell or a text ("1,200.00", "￥1200", "1200元"); None if empty;
    ValueError if it is not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError
    text = MONEY_NOISE.sub("", clean_text(value))
    if not text:
        return None
    if not NUMBER_TEXT.fullmatch(text):
        raise ValueError
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError from None


def to_money(value):
    """Yuan to the fen (half up: a price typed with more places is a rounding, and the amount
    check catches one that is not)."""
    number = to_decimal(value)
    if number is None:
        return None
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        raise ValueError
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


QUANTITY_TEXT = re.compile(r"([+-]?\d+)(?:\.0*)?\s*[\u4e00-\u9fff]{0,2}")


def to_count(value):
    """A whole number of items (20, 20.0, "20", "20套"); None if empty; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueError
        return int(value)
    text = clean_text(value).replace(",", "")
    if not text:
        return None
    match = QUANTITY_TEXT.fullmatch(text)
    if not match:
        raise ValueError
    return int(match.group(1))


DATE_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
DATE_FULL = re.compile(r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?")
DATE_MONTH = re.compile(r"(\d{4})[-./年](\d{1,2})月?")
DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})?")
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 is 1900-01-01 after Excel's leap-year bug
EXCEL_EPOCH_1904 = datetime.date(1904, 1, 1)


def _date(year, month, day=None):
    return datetime.date(int(year), int(month), int(day or 1))


def to_date(value, *, date1904=False):
    """A date from an Excel date (a serial number), a date or a text: "2019-09-01", "2019/9/1",
    "2019.9.1", "2019年9月1日", "2019-09", "201909" (the first of the month), "20190901". None if
    empty; ValueError if it is none of these or not a real day."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            digits = str(int(value))
            if len(digits) in (6, 8):
                return _date(*DATE_DIGITS.fullmatch(digits).groups())
            if 1900 <= value <= 2100:
                raise ValueError  # a year alone, not a day (as a serial it would be in 1905)
        if not 1 <= value < 2958466:
            raise ValueError
        days = int(value)
        if not date1904 and days < 61:
            days += 1  # before Excel's fictitious 1900-02-29
        return (EXCEL_EPOCH_1904 if date1904 else EXCEL_EPOCH) + datetime.timedelta(days=days)
    text = DATE_TIME_TAIL.sub("", clean_text(value))
    text = SPACES.sub("", text)
    for pattern in (DATE_FULL, DATE_MONTH, DATE_DIGITS):
        match = pattern.fullmatch(text)
        if match:
            return _date(*match.groups())
    raise ValueError


TOTAL_WORDS = frozenset(
    {"合计", "小计", "总计", "总合计", "合计数", "总计数", "本页合计", "本页小计", "本表合计", "累计合计"}
)
GRAND_TOTALS = frozenset({"合计", "总计", "总合计", "合计数", "总计数", "本表合计"})


def total_label(values):
    """The word of a 合计/小计/总计 row ("合计"), or "" for any other row: its label stands alone
    in one of the cells it is given (the row's first cells)."""
    for value in values:
        if isinstance(value, str) and "计" in value:  # every total word has it: a cheap test first
            key = header_key(value)
            if key in TOTAL_WORDS:
                return key
    return ""


# ---------------------------------------------------------------------------------------------
# The workbook


def column_letter(index):
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters, cache={}):  # noqa: B006 - a cache shared on purpose
    index = cache.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + (ord(ch) - 64)
        index -= 1
        if len(cache) < 20000:
            cache[letters] = index
    return index


def _refuse_dtd(*args):
    raise SheetError(_("The workbook holds XML that a spreadsheet does not have (a DTD)."))


def _parser(*, namespaces=True):
    parser = expat.ParserCreate(namespace_separator=SEP) if namespaces else expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


def _parse_part(stream, parser):
    try:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise SheetError(_("The workbook is damaged: a part of it is not well-formed XML."))


def _small_xml(archive, name, on_start):
    """Parse a small part of the package, calling on_start(local name, attributes)."""
    parser = _parser()
    parser.StartElementHandler = lambda name, attrs: on_start(name.rpartition(SEP)[2], attrs)
    with archive.open(name) as stream:
        _parse_part(stream, parser)


@dataclass
class Sheet:
    name: str
    part: str
    hidden: bool = False


@dataclass
class Workbook:
    """An open .xlsx: its sheets, shared strings and date system. Close it when done."""

    archive: zipfile.ZipFile
    limits: Limits
    sheets: list = dataclasses.field(default_factory=list)
    strings_part: str = ""
    date1904: bool = False
    _strings: list | None = None

    @classmethod
    def open(cls, fileobj, *, limits):
        """Check the package and read its table of contents; SheetError if it is not a workbook
        we read, or one too big."""
        fileobj.seek(0, 2)
        size = fileobj.tell()
        fileobj.seek(0)
        if size == 0:
            raise SheetError(_("The file is empty."))
        if size > limits.file_bytes:
            raise SheetError(
                _(
                    "The file is %(size)s MB; a ledger may be at most %(limit)s MB. Split it into several files."
                )
                % {"size": round(size / 1048576, 1), "limit": round(limits.file_bytes / 1048576, 1)}
            )
        head = fileobj.read(8)
        fileobj.seek(0)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise SheetError(
                _(
                    "This is an Excel 97-2003 workbook (.xls) or a password-protected one. "
                    "Open it in Excel or WPS and save it as an Excel workbook (.xlsx) without a password."
                )
            )
        if not head.startswith(b"PK"):
            raise SheetError(_("The file is not an Excel workbook (.xlsx)."))
        try:
            archive = zipfile.ZipFile(fileobj)
            infos = {info.filename: info for info in archive.infolist()}
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise SheetError(_("The file is not an Excel workbook (.xlsx), or it is damaged."))
        book = cls(archive=archive, limits=limits)
        try:
            book._check_sizes(infos)
            book._read_contents(infos)
        except BaseException:
            archive.close()
            raise
        return book

    def close(self):
        self.archive.close()
        self._strings = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _check_sizes(self, infos):
        if len(infos) > 10000:
            raise SheetError(_("The workbook has too many parts to be a ledger."))
        total = 0
        for info in infos.values():
            if info.flag_bits & 0x1:
                raise SheetError(_("The workbook is encrypted; save it without a password."))
            total += info.file_size
            too_big = info.file_size > self.limits.part_bytes
            bomb = info.file_size > max(1 << 20, self.limits.ratio * max(info.compress_size, 1))
            if too_big or bomb or total > self.limits.part_bytes:
                raise SheetError(
                    _("The workbook unpacks to far more data than a ledger holds; it is refused.")
                )
        if any(name.lower().endswith("vbaproject.bin") for name in infos):
            raise SheetError(
                _("Workbooks with macros are not accepted; save it as an Excel workbook (.xlsx).")
            )

    def _read_contents(self, infos):
        if "[Content_Types].xml" not in infos:
            raise SheetError(_("The file is not an Excel workbook (.xlsx), or it is damaged."))
        office = []

        def package_rel(name, attrs):
            if name == "Relationship" and attrs.get("Type", "").endswith("/officeDocument"):
                office.append(attrs.get("Target", ""))

        if "_rels/.rels" in infos:
            _small_xml(self.archive, "_rels/.rels", package_rel)
        workbook_part = _part_name("", office[0]) if office else "xl/workbook.xml"
        if workbook_part not in infos:
            raise SheetError(_("The file is not an Excel workbook (.xlsx): it has no workbook."))
        base = posixpath.dirname(workbook_part)
        rels_part = posixpath.join(base, "_rels", posixpath.basename(workbook_part) + ".rels")
        targets = {}
        strings = []

        def workbook_rel(name, attrs):
            if name != "Relationship":
                return
            target = _part_name(base, attrs.get("Target", ""))
            targets[attrs.get("Id")] = target
            if attrs.get("Type", "").endswith("/sharedStrings"):
                strings.append(target)

        if rels_part in infos:
            _small_xml(self.archive, rels_part, workbook_rel)
        entries = []

        def workbook(name, attrs):
            if name == "sheet":
                rid = attrs.get(f"{REL_NS}{SEP}id") or attrs.get("r:id")
                entries.append((attrs.get("name", ""), targets.get(rid), attrs.get("state", "visible")))
            elif name == "workbookPr":
                self.date1904 = attrs.get("date1904", "0") in ("1", "true")

        _small_xml(self.archive, workbook_part, workbook)
        self.sheets = [
            Sheet(name=name[:100], part=part, hidden=state != "visible")
            for name, part, state in entries
            if part in infos
        ]
        if not self.sheets:
            raise SheetError(_("The workbook has no worksheet."))
        if strings and strings[0] in infos:
            self.strings_part = strings[0]
            if infos[self.strings_part].file_size > self.limits.strings_bytes:
                raise SheetError(
                    _(
                        "The workbook holds more text than a ledger of %(rows)s rows; split it into several files."
                    )
                    % {"rows": self.limits.rows}
                )

    # -- shared strings ---------------------------------------------------------------------

    @property
    def strings(self):
        if self._strings is None:
            self._strings = self._read_strings() if self.strings_part else []
        return self._strings

    def _read_strings(self):
        """The shared string table, each entry's text with phonetic guides (rPh) left out."""
        out = []
        parts = []
        names = _Names()
        collecting = False
        rph = 0

        def start(name, attrs):
            nonlocal collecting, rph
            if name == names.t:
                collecting = not rph
            elif name == names.si:
                parts.clear()
            elif name == names.rph:
                rph += 1
            elif names.root is None:
                names.set_root(name)

        def end(name):
            nonlocal collecting, rph
            if name == names.t:
                collecting = False
            elif name == names.si:
                out.append("".join(parts))
            elif name == names.rph:
                rph -= 1

        def text(data):
            if collecting:
                parts.append(data)

        parser = _parser(namespaces=False)
        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.CharacterDataHandler = text
        with self.archive.open(self.strings_part) as stream:
            _parse_part(stream, parser)
        return out

    # -- rows -------------------------------------------------------------------------------

    def rows(self, sheet):
        """(row number, {column index: value}) for every row of `sheet` that holds a value, in
        order. Values: str, Decimal (numbers; dates are numbers too, see to_date), bool,
        CellError; empty cells are left out.

        The hot loop of an import (two million cells for 100,000 rows): expat calls these
        handlers for every element, so they keep their state in closure variables and compare
        element names with prepared strings."""
        strings = self.strings
        names = _Names()
        c = v = t = is_ = row_tag = rph_tag = None
        done = []
        text = []
        row = 0
        col = -1
        kind = "n"
        cells = {}
        in_is = False
        rph = 0
        collect = False
        size = 0

        def start(name, attrs):
            nonlocal row, col, kind, cells, in_is, rph, collect, size, c, v, t, is_, row_tag, rph_tag
            if name == c:
                ref = attrs.get("r")
                col = _column_index(ref.rstrip("0123456789")) if ref else col + 1
                kind = attrs.get("t", "n")
                text.clear()
                size = 0
            elif name == v:
                collect = True
            elif name == t:
                collect = in_is and not rph
            elif name == row_tag:
                ref = attrs.get("r")
                row = int(ref) if ref and ref.isdecimal() else row + 1
                col = -1
                cells = {}
            elif name == is_:
                in_is = True
            elif name == rph_tag:
                rph += 1
            elif names.root is None:
                names.set_root(name)
                c, v, t, is_, row_tag, rph_tag = names.c, names.v, names.t, names.is_, names.row, names.rph

        def end(name):
            nonlocal collect, in_is, rph
            if name == c:
                if not text or not 0 <= col < MAX_COLUMNS:
                    return
                raw = text[0] if len(text) == 1 else "".join(text)
                if kind == "n":
                    try:
                        value = Decimal(raw)
                    except InvalidOperation:
                        value = raw
                elif kind == "s":
                    try:
                        value = strings[int(raw)]
                    except (ValueError, IndexError):
                        value = CellError("#REF!")
                elif kind == "b":
                    value = raw.strip() in ("1", "true")
                elif kind == "e":
                    value = CellError(raw)
                elif kind == "d":
                    try:
                        value = datetime.datetime.fromisoformat(raw.strip())
                    except ValueError:
                        value = raw
                else:  # inlineStr, str (a formula's text)
                    value = raw
                if value != "":
                    cells[col] = value
            elif name in (v, t):
                collect = False
            elif name == row_tag:
                if cells:
                    done.append((row, cells))
            elif name == is_:
                in_is = False
            elif name == rph_tag:
                rph -= 1

        def data(chunk):
            nonlocal size
            if collect:
                size += len(chunk)
                if size <= MAX_CELL_CHARS:
                    text.append(chunk)
                elif size - len(chunk) < MAX_CELL_CHARS:
                    text.append(chunk[: MAX_CELL_CHARS - (size - len(chunk))])

        parser = _parser(namespaces=False)
        parser.StartElementHandler, parser.EndElementHandler = start, end
        parser.CharacterDataHandler = data
        with self.archive.open(sheet.part) as stream:
            try:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    parser.Parse(chunk, False)
                    yield from done
                    done.clear()
                parser.Parse(b"", True)
            except expat.ExpatError:
                raise SheetError(_("The workbook is damaged: a part of it is not well-formed XML."))
            except (zipfile.BadZipFile, OSError, EOFError):
                raise SheetError(_("The workbook is damaged and cannot be read to the end."))
            yield from done


class _Names:
    """The element names of a part as written in it: "c", or "x:c" when the file gives the
    spreadsheet namespace a prefix (the root element's name tells)."""

    root = None

    def __init__(self):
        self._prefixed("")

    def _prefixed(self, prefix):
        for attr, local in (
            ("c", "c"),
            ("v", "v"),
            ("t", "t"),
            ("is_", "is"),
            ("row", "row"),
            ("rph", "rPh"),
        ):
            setattr(self, attr, prefix + local)
        self.si = prefix + "si"

    def set_root(self, name):
        self.root = name
        prefix, sep, _local = name.rpartition(":")
        self._prefixed(prefix + sep)


def _part_name(base, target):
    """A relationship target as a part name of the zip."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(base, target))


# ---------------------------------------------------------------------------------------------
# Rows kept between a dry run and the commit
#
# Reading the XML of 100,000 rows is a third of a commit; the dry run keeps the rows it read
# (pickled in chunks, gzip-compressed) next to the upload, and the commit, or a check with
# another mapping, reads them back instead. Only plain values are let back in: the unpickler
# refuses any class but the three a cell value can be.

ROWS_MAGIC = b"HQROWS1\n"
ROWS_CHUNK = 2000
ROWS_CLASSES = {("decimal", "Decimal"), ("datetime", "datetime"), (__name__, "CellError")}


class _RowsUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in ROWS_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


def rows_dump(rows, fileobj):
    """Yield `rows` ((row number, cells) pairs) as they come, writing them to `fileobj`."""
    fileobj.write(ROWS_MAGIC)
    with gzip.GzipFile(fileobj=fileobj, mode="wb", compresslevel=1) as out:
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= ROWS_CHUNK:
                pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
                chunk = []
            yield row
        pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)


def rows_load(fileobj):
    """The rows rows_dump wrote, one chunk in memory at a time; SheetError if they are damaged."""
    if fileobj.read(len(ROWS_MAGIC)) != ROWS_MAGIC:
        raise SheetError(_("The rows kept from the last check cannot be read; upload the ledger again."))
    with gzip.GzipFile(fileobj=fileobj, mode="rb") as stream:
        while True:
            try:
                chunk = _RowsUnpickler(stream).load()
            except EOFError:
                return
            except (pickle.UnpicklingError, OSError, ValueError, TypeError, AttributeError, IndexError):
                raise SheetError(
                    _("The rows kept from the last check cannot be read; upload the ledger again.")
                )
            yield from chunk


# ---------------------------------------------------------------------------------------------
# The header


@dataclass
class Column:
    index: int
    label: str
    field: str | None = None
    exact: bool = False
    examples: list = dataclasses.field(default_factory=list)

    @property
    def letter(self):
        return column_letter(self.index)

    def as_json(self):
        return {
            "index": self.index,
            "letter": self.letter,
            "label": self.label[:100],
            "examples": self.examples,
        }


@dataclass
class Header:
    """Where the header of a ledger is and what its columns hold."""

    sheet: Sheet
    rows: tuple  # the row numbers of the header (one, or two when it is split over two)
    columns: list
    data_start: int  # the first row after the header

    @property
    def mapping(self):
        """{field: column index} as proposed: each field from its best column (an exact name
        before a partial one, then the leftmost)."""
        chosen = {}
        for col in self.columns:
            if col.field is None:
                continue
            best = chosen.get(col.field)
            if best is None or (col.exact and not best.exact):
                chosen[col.field] = col
        return {f: c.index for f, c in chosen.items()}

    @property
    def score(self):
        return len(self.mapping)


def _label(value):
    return clean_text(value) if value is not None else ""


def _single(sheet, number, cells):
    columns = []
    for index in sorted(cells):
        label = _label(cells[index])
        field_name, exact = recognise(label)
        columns.append(Column(index=index, label=label, field=field_name, exact=exact))
    return Header(sheet=sheet, rows=(number,), columns=columns, data_start=number + 1)


def _pair(sheet, upper_number, upper, lower_number, lower):
    """A header over two rows: a merged group name above its sub-columns ("金额" over 单价, 数量,
    金额; read-only, only the first cell of a merge holds the text) or names split in two
    ("取得" over "日期"). Per column: the lower cell alone, else both together, else the upper
    cell when the lower one is empty."""
    columns = []
    for index in sorted(set(upper) | set(lower)):
        top, bottom = _label(upper.get(index)), _label(lower.get(index))
        choice = None
        if bottom:
            field_name, exact = recognise(bottom)
            if field_name:
                choice = (bottom, field_name, exact)
            elif top:
                both = top + bottom
                field_name = EXACT.get(header_key(both))
                if field_name:
                    choice = (both, field_name, True)
        elif top:
            field_name, exact = recognise(top)
            choice = (top, field_name, exact)
        if choice is None:
            choice = ((top + " " + bottom).strip(), None, False)
        label, field_name, exact = choice
        columns.append(Column(index=index, label=label, field=field_name, exact=exact))
    return Header(
        sheet=sheet, rows=(upper_number, lower_number), columns=columns, data_start=lower_number + 1
    )


MIN_HEADER_FIELDS = 2


def find_header(book):
    """The header of the ledger: among the first rows of each sheet, the row (or two adjacent
    rows) naming the most card fields; a single row wins a tie, then the earlier one, then the
    earlier sheet. SheetError when no sheet has a row naming at least two."""
    best = None
    for sheet in sorted(book.sheets, key=lambda s: s.hidden):
        rows = []
        iterator = book.rows(sheet)
        try:
            for number, cells in iterator:
                rows.append((number, cells))
                if len(rows) >= HEADER_SCAN_ROWS + EXAMPLES + 2:
                    break
        finally:
            iterator.close()
        candidates = []
        scan = rows[:HEADER_SCAN_ROWS]
        for i, (number, cells) in enumerate(scan):
            candidates.append(_single(sheet, number, cells))
            if i + 1 < len(scan) and scan[i + 1][0] == number + 1:
                lower_number, lower = scan[i + 1]
                candidates.append(_pair(sheet, number, cells, lower_number, lower))
        for header in candidates:
            key = (header.score, -len(header.rows))
            if best is None or key > best[0]:
                best = (key, header, rows)
    if best is None or best[1].score < MIN_HEADER_FIELDS:
        raise SheetError(
            _(
                "No header row was found: none of the first %(n)s rows names the columns of a ledger "
                "(资产名称, 分类, 单价, 数量, 金额, 取得日期 …)."
            )
            % {"n": HEADER_SCAN_ROWS}
        )
    _key, header, rows = best
    for number, cells in rows:
        if number < header.data_start or total_label(cells.values()):
            continue
        for col in header.columns:
            value = cells.get(col.index)
            if value is not None and len(col.examples) < EXAMPLES:
                col.examples.append(clean_text(value)[:40])
    known = {col.index for col in header.columns}
    for number, cells in rows:  # columns with data but no header text, so they can be mapped
        if number >= header.data_start:
            for index in cells:
                if index not in known:
                    known.add(index)
                    header.columns.append(Column(index=index, label=""))
    header.columns.sort(key=lambda c: c.index)
    return header
