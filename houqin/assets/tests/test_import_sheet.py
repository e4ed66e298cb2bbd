"""Reading messy ledgers (houqin.assets.ledger_sheet): the workbook, the header, the values, and
the files that must be refused."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest

from houqin.assets import ledger_sheet as ls

from .ledgers import HEADER, raw_xlsx, sheet_xml, workbook_xml, xlsx

LIMITS = ls.Limits(file_bytes=10 * 1024 * 1024, rows=1000)


def open_book(data, limits=LIMITS):
    return ls.Workbook.open(io.BytesIO(data), limits=limits)


def rows_of(data):
    with open_book(data) as book:
        return list(book.rows(book.sheets[0]))


def header_of(data):
    with open_book(data) as book:
        return ls.find_header(book)


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,200.00", Decimal("1200.00")),
        ("￥1200", Decimal("1200.00")),
        ("¥ 1 200.5", Decimal("1200.50")),
        ("１２００元", Decimal("1200.00")),
        (Decimal("4800"), Decimal("4800.00")),
        (Decimal("333.333333"), Decimal("333.33")),
        ("0.005", Decimal("0.01")),
        ("", None),
        (None, None),
        ("  ", None),
    ],
)
def test_money(value, expected):
    assert ls.to_money(value) == expected


@pytest.mark.parametrize("value", ["一千", "12元5角", "1.2.3", "abc", "NaN", True])
def test_money_refused(value):
    with pytest.raises(ValueError):
        ls.to_money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("20"), 20),
        (Decimal("20.0"), 20),
        ("20", 20),
        ("２０", 20),
        ("20套", 20),
        ("1,000", 1000),
        ("-3", -3),
    ],
)
def test_count(value, expected):
    assert ls.to_count(value) == expected


@pytest.mark.parametrize("value", [Decimal("2.5"), "两套", "2.5"])
def test_count_refused(value):
    with pytest.raises(ValueError):
        ls.to_count(value)


SEPT_1 = datetime.date(2019, 9, 1)


@pytest.mark.parametrize(
    "value",
    [
        Decimal("43709"),  # the Excel serial of 2019-09-01
        Decimal("43709.75"),  # with a time of day
        "2019.9.1",
        "2019-09-01",
        "2019/9/1",
        "2019年9月1日",
        "2019 年 9 月 1 日",
        "２０１９．９．１",
        "201909",
        Decimal("201909"),
        "20190901",
        Decimal("20190901"),
        "2019-09",
        "2019年9月",
        "2019-09-01 00:00:00",
        "2019-09-01T08:30",
        datetime.datetime(2019, 9, 1, 8, 0),
        SEPT_1,
    ],
)
def test_dates(value):
    assert ls.to_date(value) == SEPT_1


def test_dates_1904_system():
    assert ls.to_date(Decimal("42247"), date1904=True) == SEPT_1


@pytest.mark.parametrize(
    "value", ["2019-02-30", "201913", "九月", "19.9.1", Decimal("-5"), "2019-9-1-2", Decimal("2019"), "2019"]
)
def test_dates_refused(value):
    with pytest.raises(ValueError):
        ls.to_date(value)


def test_clean_text():
    assert ls.clean_text("  ＬＥＮＯＶＯ　Ｍ７２０ ") == "LENOVO M720"
    assert ls.clean_text("学生\n课桌椅") == "学生 课桌椅"
    assert ls.clean_text(Decimal("1001")) == "1001"
    assert ls.clean_text(Decimal("1.50")) == "1.5"
    assert ls.clean_text(None) == ""


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("资产编号", "code"),
        ("*资产名称", "name"),
        ("名 称", "name"),
        ("分类代码", "category_code"),
        ("资产分类", "category"),
        ("规格型号", "specification"),
        ("单价（元）", "unit_price"),
        ("金额(元)", "amount"),
        ("原值", "amount"),
        ("购置日期", "acquired_on"),
        ("存放地点", "room"),
        ("使用部门名称", "department"),
        ("部门名称", "department"),
        ("保管人", "custodian"),
        ("使用人", "used_by"),
        ("经费来源", "funding_source"),
        ("备注", "note"),
        ("累计折旧金额", None),
        ("序号", None),
        ("", None),
    ],
)
def test_recognise(text, field):
    assert ls.recognise(text)[0] == field


def test_total_label():
    assert ls.total_label(["合计", None]) == "合计"
    assert ls.total_label([None, "合 计："]) == "合计"
    assert ls.total_label(["小计"]) == "小计"
    assert ls.total_label(["合计3台"]) == ""
    assert ls.total_label(["课桌椅", Decimal("5")]) == ""


# --- the header ---------------------------------------------------------------------------------


def test_title_rows_above_the_header():
    data = xlsx(
        [
            ["XX学校固定资产明细表"],
            ["单位：元", None, None, None, None, "2026年9月1日"],
            [],
            HEADER,
            ["", "台式计算机", "A02010100", "M720", "台", 4800, 1, 4800, "2019.9.1", "203", "王芳"],
        ],
        merges=["A1:K1"],
    )
    header = header_of(data)
    assert header.rows == (4,)
    assert header.data_start == 5
    assert header.mapping == {
        "code": 0,
        "name": 1,
        "category": 2,
        "specification": 3,
        "unit": 4,
        "unit_price": 5,
        "quantity": 6,
        "amount": 7,
        "acquired_on": 8,
        "room": 9,
        "custodian": 10,
    }
    assert header.columns[1].examples == ["台式计算机"]


def test_merged_group_header_over_two_rows():
    """ "金额" merged over 单价/数量/金额, the other names merged down over both rows."""
    data = xlsx(
        [
            ["固定资产明细表"],
            ["资产名称", "分类", "金额", None, None, "取得日期"],
            [None, None, "单价", "数量", "金额", None],
            ["学生课桌椅", "A05010304", 260, 50, 13000, "2019-09-01"],
        ],
        merges=["C2:E2", "A2:A3", "B2:B3", "F2:F3"],
    )
    header = header_of(data)
    assert header.rows == (2, 3)
    assert header.data_start == 4
    assert header.mapping == {
        "name": 0,
        "category": 1,
        "unit_price": 2,
        "quantity": 3,
        "amount": 4,
        "acquired_on": 5,
    }


def test_names_split_over_two_rows():
    data = xlsx(
        [
            ["资产", "资产", "取得", "存放", "单价"],
            ["编号", "名称", "日期", "地点", None],
            ["GD-1", "投影机", "2020.3.1", "203", 3200],
        ]
    )
    header = header_of(data)
    assert header.rows == (1, 2)
    assert header.mapping == {"code": 0, "name": 1, "acquired_on": 2, "room": 3, "unit_price": 4}


def test_a_unit_row_under_the_header_is_not_part_of_it():
    data = xlsx(
        [
            ["资产名称", "单价", "金额", "取得日期"],
            [None, "（元）", "（元）", None],
            ["椅子", 95, 95, "2020-1-1"],
        ]
    )
    header = header_of(data)
    assert header.rows == (1,)
    assert header.mapping == {"name": 0, "unit_price": 1, "amount": 2, "acquired_on": 3}


def test_the_sheet_with_the_header_is_found_behind_a_cover_sheet():
    data = xlsx([["说明"], ["本台账由总务处填写"]], title="封面", sheets={"台账": [HEADER, ["", "椅子"]]})
    header = header_of(data)
    assert header.sheet.name == "台账"


def test_columns_with_data_but_no_header_can_be_mapped():
    header = header_of(xlsx([["资产名称", "单价"], ["椅子", 95, "教学楼 203"]]))
    assert [(c.letter, c.label) for c in header.columns] == [("A", "资产名称"), ("B", "单价"), ("C", "")]


def test_an_exact_name_wins_over_a_partial_one():
    header = header_of(xlsx([["使用部门名称", "部门", "资产名称"], ["教务处", "总务处", "椅子"]]))
    assert header.mapping["department"] == 1


@pytest.mark.parametrize(
    "rows",
    [
        [["学生名单"], ["姓名", "班级", "成绩"], ["张三", "一班", 90]],
        [["资产名称"], ["椅子"]],  # one name is not a header
        [],
    ],
)
def test_no_header_found(rows):
    with pytest.raises(ls.SheetError, match="No header row was found"):
        header_of(xlsx(rows))


# --- rows and values ----------------------------------------------------------------------------


def test_rows_keep_their_sheet_numbers_and_skip_empty_ones():
    data = xlsx([["资产名称", "单价"], [], ["椅子", 95], [None, None], ["桌子", "1,200.00"]])
    assert rows_of(data) == [
        (1, {0: "资产名称", 1: "单价"}),
        (3, {0: "椅子", 1: Decimal("95")}),
        (5, {0: "桌子", 1: "1,200.00"}),
    ]


def test_excel_dates_are_numbers_and_read_as_dates():
    data = xlsx([["资产名称", "取得日期"], ["椅子", datetime.date(2019, 9, 1)]])
    [_header, (_n, cells)] = rows_of(data)
    assert ls.to_date(cells[1]) == SEPT_1


def test_formulas_give_their_saved_value_and_are_not_evaluated():
    sheet = sheet_xml(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><f>SUM(C2:D2)*2</f><v>190</v></c>'
        '<c r="C2" t="str"><f>A2&amp;"!"</f><v>椅子!</v></c><c r="D2"><f>NOW()</f></c></row>'
    )
    data = raw_xlsx(sheet, strings=["资产名称", "单价", "椅子"])
    assert rows_of(data)[1] == (2, {0: "椅子", 1: Decimal("190"), 2: "椅子!"})


def test_inline_and_rich_strings_without_phonetic_guides():
    sheet = sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><r><t>学生</t></r><r><t>课桌椅</t></r></is></c>'
        '<c r="B1" t="s"><v>0</v></c><c r="C1" t="b"><v>1</v></c><c r="D1" t="e"><v>#N/A</v></c></row>'
    )
    data = raw_xlsx(
        sheet, strings=['<r><t>投影</t></r><r><t>机</t></r><rPh sb="0" eb="2"><t>とうえい</t></rPh>']
    )
    [(number, cells)] = rows_of(data)
    assert number == 1
    assert cells[0] == "学生课桌椅"
    assert cells[1] == "投影机"
    assert cells[2] is True
    assert isinstance(cells[3], ls.CellError) and cells[3] == "#N/A"


def test_a_namespace_prefix_and_cells_without_references():
    sheet = sheet_xml(
        '<x:row><x:c t="inlineStr"><x:is><x:t>椅子</x:t></x:is></x:c><x:c><x:v>95</x:v></x:c></x:row>',
        prefix="x",
    )
    data = raw_xlsx(sheet, workbook=workbook_xml(prefix="x"))
    assert rows_of(data) == [(1, {0: "椅子", 1: Decimal("95")})]


def test_the_1904_date_system_is_noticed():
    data = raw_xlsx(sheet_xml(""), workbook=workbook_xml(date1904=True))
    with open_book(data) as book:
        assert book.date1904 is True


def test_cells_far_to_the_right_are_ignored():
    sheet = sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>')
    assert rows_of(raw_xlsx(sheet)) == [(1, {0: Decimal("1")})]


def test_kept_rows_read_back_the_same():
    data = xlsx(
        [
            HEADER,
            ["GD-1", "椅子", "A05010304", "", "把", "95", 2, 190, datetime.date(2019, 9, 1), "203", "王芳"],
        ]
    )
    rows = rows_of(data)
    buffer = io.BytesIO()
    assert list(ls.rows_dump(iter(rows), buffer)) == rows
    buffer.seek(0)
    assert list(ls.rows_load(buffer)) == rows


def test_kept_rows_refuse_anything_but_cell_values():
    import gzip
    import pickle

    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    buffer = io.BytesIO()
    buffer.write(ls.ROWS_MAGIC)
    with gzip.GzipFile(fileobj=buffer, mode="wb") as out:
        pickle.dump([(1, {0: Evil()})], out)
    buffer.seek(0)
    with pytest.raises(ls.SheetError, match="cannot be read"):
        list(ls.rows_load(buffer))
    with pytest.raises(ls.SheetError):
        list(ls.rows_load(io.BytesIO(b"not kept rows")))


# --- files that are refused ---------------------------------------------------------------------


def zip_of(parts, compress=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel 97-2003"),
        ("资产名称,单价\n椅子,95\n".encode(), "not an Excel workbook"),
        (b"%PDF-1.4 ...", "not an Excel workbook"),
        (b"PK\x03\x04 broken", "not an Excel workbook"),
        (zip_of({"hello.txt": "hi"}), "not an Excel workbook"),
        (zip_of({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), "no workbook"),
    ],
)
def test_not_a_workbook(data, message):
    with pytest.raises(ls.SheetError, match=message):
        open_book(data)


def test_too_big_a_file():
    with pytest.raises(ls.SheetError, match="at most"):
        open_book(xlsx([HEADER]), limits=ls.Limits(file_bytes=1000, rows=10))


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = raw_xlsx(sheet_xml("<row>" + " " * (8 * 1024 * 1024) + "</row>"))
    with pytest.raises(ls.SheetError, match="unpacks to far more data"):
        open_book(bomb)


def test_a_part_bigger_than_the_limit_is_refused():
    big = raw_xlsx(sheet_xml("<row/>" * 200000), compress=zipfile.ZIP_STORED)
    with pytest.raises(ls.SheetError, match="unpacks to far more data"):
        open_book(big, limits=ls.Limits(file_bytes=10 * 1024 * 1024, rows=10, part_bytes=512 * 1024))


def test_entities_are_refused():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    with open_book(raw_xlsx(laughs)) as book, pytest.raises(ls.SheetError, match="DTD"):
        list(book.rows(book.sheets[0]))


def test_macros_are_refused():
    data = raw_xlsx(sheet_xml(""), extra={"xl/vbaProject.bin": b"\0" * 100})
    with pytest.raises(ls.SheetError, match="macros"):
        open_book(data)


def test_damaged_xml_is_refused_when_read():
    data = raw_xlsx(
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>'
    )
    with open_book(data) as book, pytest.raises(ls.SheetError, match="damaged"):
        list(book.rows(book.sheets[0]))


def test_a_giant_cell_is_cut_not_kept_whole():
    import random

    text = "".join(chr(random.randrange(0x4E00, 0x9FA5)) for _ in range(1_000_000))
    sheet = sheet_xml(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row>')
    [(_row, cells)] = rows_of(raw_xlsx(sheet))
    assert cells[0] == text[: ls.MAX_CELL_CHARS]
