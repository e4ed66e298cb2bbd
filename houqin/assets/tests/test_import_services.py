"""The ledger import's services: dry run, matching, the checks asset_register makes, the commit
(all or nothing), bad input of every kind with nothing changed, and `houqin import-assets`."""

import datetime
import os
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from houqin.assets.choices import AssetClass, AssetStatus, EventKind, Tracking
from houqin.assets.models import Asset, AssetEvent, AssetImport
from houqin.assets.services.assets import asset_register
from houqin.assets.services.categories import category_create
from houqin.assets.services.imports import (
    asset_import_cards,
    asset_import_check,
    asset_import_commit,
    asset_import_remap,
    asset_import_upload,
    mapping_clean,
)
from houqin.core.models import ChangeLogEntry, Department, DocumentSequence
from houqin.core.services.numbering import document_number_last, document_numbers_reserve
from houqin.core.tests.factories import BuildingFactory, RoomFactory, UserFactory, member

from .factories import category, make_asset
from .ledgers import HEADER, ledger, upload, xlsx

YEAR = timezone.localdate().year
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def place(school_a, categories):
    """教学楼 203 (三年级2班) and 204, 实验楼 203, 教务处, and the people 王芳 and 刘云."""
    teaching = BuildingFactory(school=school_a, name="教学楼")
    lab = BuildingFactory(school=school_a, name="实验楼")
    return {
        "203": RoomFactory(school=school_a, building=teaching, number="203", name="三年级2班"),
        "204": RoomFactory(school=school_a, building=teaching, number="204"),
        "lab203": RoomFactory(school=school_a, building=lab, number="203"),
        "dept": Department.objects.create(school=school_a, name="教务处"),
        "wang": member(school_a, "teacher", username="wangfang", full_name="王芳"),
        "liu": member(school_a, "storekeeper", username="liuyun", full_name="刘云"),
    }


def state():
    """What an import must not change when it refuses."""
    return (
        Asset.objects.count(),
        AssetEvent.objects.count(),
        list(DocumentSequence.objects.values_list("prefix", "year", "last")),
        ChangeLogEntry.objects.exclude(content_type__model="assetimport").count(),
    )


def stored_files(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def row(*, code="", name="学生课桌椅", cat="A05010304", spec="", unit="", price=260, qty=1, amount=None,
        day="2019-09-01", room="教学楼 203", keeper=""):  # fmt: skip
    return [code, name, cat, spec, unit, price, qty, amount, day, room, keeper]


def preview(user, school, *rows, **kwargs):
    return asset_import_upload(actor=user, school=school, uploaded_file=upload(ledger(*rows, **kwargs)))


def errors_of(imp):
    return [(e["row"], e["column"], e["message"]) for e in imp.report["errors"]]


# --- the dry run --------------------------------------------------------------------------------


def test_upload_checks_every_row_and_registers_nothing(head_a, school_a, place, media):
    before = state()
    imp = preview(
        head_a,
        school_a,
        row(name="台式计算机", cat="A02010100", spec="联想 M720", price="4,800.00", day="2019.9.1"),
        [None] * 11,
        row(qty=50, price=260, amount="13,000.00", day=datetime.date(2019, 9, 1), room="204"),
        footer=[["合计", None, None, None, None, None, None, "17800"], ["制表：刘云", None, "审核："]],
    )
    assert imp.status == "previewed"
    assert (imp.card_count, imp.item_count, imp.total_amount, imp.error_count) == (
        2,
        51,
        Decimal("17800.00"),
        0,
    )
    assert imp.sheet_name == "资产明细"
    assert imp.layout["header_rows"] == [3]
    assert imp.mapping["acquired_on"] == 8
    report = imp.report
    assert [(s["row"], s["name"], s["quantity"], s["amount"], s["tracking"]) for s in report["sample"]] == [
        (4, "台式计算机", 1, "4800.00", Tracking.SINGLE),
        (6, "学生课桌椅", 50, "13000.00", Tracking.BATCH),
    ]
    assert report["sample"][0]["room"] == "教学楼 203 三年级2班"
    assert report["sample"][0]["asset_class"] == AssetClass.FIXED
    assert report["totals"] == [{"row": 7, "label": "合计", "amount": "17800.00"}]
    assert report["warnings"] == []
    assert (report["skipped"], report["skipped_count"]) == ([8], 1)
    assert (report["data_rows"], report["without_code"]) == (2, 2)
    assert state() == before
    assert len(stored_files(media)) == 2  # the workbook and the rows read from it
    assert list(
        ChangeLogEntry.objects.filter(content_type__model="assetimport").values_list("action", flat=True)
    ) == ["create"]


def test_a_total_that_disagrees_is_a_warning(head_a, school_a, place):
    imp = preview(
        head_a,
        school_a,
        row(price=100),
        row(price=200),
        footer=[["合计", None, None, None, None, None, None, 250]],
    )
    assert imp.error_count == 0
    assert imp.report["warnings"] == ["Row 6 (合计) says 250.00; the rows above it add up to 300.00."]


def test_subtotals_headings_and_blank_rows_are_left_out(head_a, school_a, place):
    imp = preview(
        head_a,
        school_a,
        [None, "一、家具类"],
        row(price=100),
        [None] * 11,
        ["小计", None, None, None, None, None, None, 100],
        row(price=200),
    )
    assert (imp.card_count, imp.error_count) == (2, 0)
    assert imp.report["skipped"] == [4]
    assert [t["label"] for t in imp.report["totals"]] == ["小计"]


def test_the_same_checks_and_card_as_asset_register(head_a, school_a, school_b, place):
    """A row becomes the card asset_register makes of the same values."""
    imp = preview(
        head_a,
        school_a,
        row(name="投影机", cat="A02010100", unit="", price=3200, day="2020-03-10", keeper="王芳"),
    )
    asset_import_commit(actor=head_a, asset_import=imp)
    imported = Asset.objects.get(school=school_a)
    room_b = RoomFactory(school=school_b)
    registered = asset_register(
        actor=None,
        school=school_b,
        data={
            "name": "投影机",
            "category": category("A02010100"),
            "unit_price": Decimal("3200"),
            "acquired_on": datetime.date(2020, 3, 10),
            "room": room_b,
        },
    )
    fields = (
        "name",
        "category_id",
        "asset_class",
        "tracking",
        "unit",
        "unit_price",
        "quantity",
        "amount",
        "residual_value",
        "depreciation_class",
        "depreciation_months",
        "depreciation_start",
        "acquired_on",
        "status",
        "condition",
        "funding_source",
        "procurement_form",
        "acquisition_method",
        "use_purpose",
    )
    assert [getattr(imported, f) for f in fields] == [getattr(registered, f) for f in fields]
    assert imported.search_text == f"投影机 zc-{YEAR}-0001 tyj"
    assert (imported.room, imported.custodian, imported.created_by) == (place["203"], place["wang"], head_a)


# --- the commit ---------------------------------------------------------------------------------


def test_commit_registers_every_row_with_its_event(
    head_a, school_a, place, django_capture_on_commit_callbacks, media
):
    imp = preview(
        head_a,
        school_a,
        row(
            code="GD-0001",
            name="台式计算机",
            cat="A02010100",
            spec="M720",
            price=4800,
            day="2019.9.1",
            keeper="刘云",
        ),
        row(qty=50, amount="13000", price=None, room="三年级2班"),
        row(name="椅子", cat="教学、实验椅凳", price="￥95", day="201909", room="204"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        imp = asset_import_commit(actor=head_a, asset_import=imp)
    assert imp.status == "committed"
    assert (imp.committed_by, imp.card_count, imp.item_count, imp.total_amount) == (
        head_a,
        3,
        52,
        Decimal("17895.00"),
    )
    cards = {a.code: a for a in Asset.objects.filter(school=school_a)}
    assert sorted(cards) == ["GD-0001", f"ZC-{YEAR}-0001", f"ZC-{YEAR}-0002"]
    pc, desks, chair = cards["GD-0001"], cards[f"ZC-{YEAR}-0001"], cards[f"ZC-{YEAR}-0002"]
    assert (pc.unit, pc.asset_class, pc.depreciation_months, pc.custodian) == (
        "台",
        AssetClass.FIXED,
        72,
        place["liu"],
    )
    assert (pc.specification, pc.acquired_on, pc.depreciation_start) == (
        "M720",
        datetime.date(2019, 9, 1),
        datetime.date(2019, 9, 1),
    )
    assert (desks.tracking, desks.quantity, desks.unit_price, desks.amount) == (
        Tracking.BATCH,
        50,
        Decimal("260.00"),
        Decimal("13000.00"),
    )
    assert (desks.unit, desks.asset_class, desks.room) == (
        "把",
        AssetClass.FIXED,
        place["203"],
    )  # desks: fixed whatever their price
    assert (chair.unit_price, chair.acquired_on, chair.room, chair.status) == (
        Decimal("95.00"),
        datetime.date(2019, 9, 1),
        place["204"],
        AssetStatus.IN_USE,
    )
    events = AssetEvent.objects.filter(school=school_a).order_by("asset__code")
    assert [
        (e.asset.code, e.kind, e.quantity, e.quantity_after, e.amount, e.to_room, e.actor, e.asset_import)
        for e in events
    ] == [
        ("GD-0001", EventKind.REGISTER, 1, 1, Decimal("4800.00"), place["203"], head_a, imp),
        (f"ZC-{YEAR}-0001", EventKind.REGISTER, 50, 50, Decimal("13000.00"), place["203"], head_a, imp),
        (f"ZC-{YEAR}-0002", EventKind.REGISTER, 1, 1, Decimal("95.00"), place["204"], head_a, imp),
    ]
    assert events[0].note == "Registered from the ledger 资产台账.xlsx, row 4"
    assert events[0].occurred_on == datetime.date(2019, 9, 1)
    assert (events[0].from_room, events[0].status_before, events[0].status_after, events[0].changes) == (
        None,
        "",
        "in_use",
        {},
    )
    assert list(asset_import_cards(imp)) == sorted(cards.values(), key=lambda a: a.code)
    assert DocumentSequence.objects.get(school=school_a, prefix="ZC").last == 2
    # One change-log entry for the commit, none per card: the cards' history is their event.
    log = ChangeLogEntry.objects.filter(content_type__model="assetimport").order_by("pk")
    assert [e.action for e in log] == ["create", "update"]
    assert log[1].changes["status"] == ["previewed", "committed"]
    assert not ChangeLogEntry.objects.filter(content_type__model="asset").exists()
    # The rows kept for the commit are gone with it; the workbook stays.
    assert "rows" not in imp.layout
    assert stored_files(media) == [os.path.basename(imp.file.name)]


def test_commit_reads_the_kept_rows(head_a, school_a, place):
    imp = preview(head_a, school_a, row(price=100))
    imp.file.storage.delete(imp.file.name)  # the workbook is not read again
    asset_import_commit(actor=head_a, asset_import=imp)
    assert Asset.objects.filter(school=school_a).count() == 1


def test_commit_reads_the_workbook_when_the_kept_rows_are_gone(head_a, school_a, place):
    imp = preview(head_a, school_a, row(price=100), row(price=200))
    imp.file.storage.delete(imp.layout["rows"])
    imp = asset_import_commit(actor=head_a, asset_import=imp)
    assert imp.card_count == 2


def test_numbers_continue_the_school_sequence(head_a, school_a, place):
    make_asset(school_a, name="旧卡")
    imp = preview(head_a, school_a, row(), row(code=f"ZC-{YEAR}-0001-B"), row())
    asset_import_commit(actor=head_a, asset_import=imp)
    codes = sorted(Asset.objects.filter(school=school_a).values_list("code", flat=True))
    assert codes == [f"ZC-{YEAR}-0001", f"ZC-{YEAR}-0001-B", f"ZC-{YEAR}-0002", f"ZC-{YEAR}-0003"]


def test_a_committed_ledger_is_not_registered_twice(head_a, school_a, place):
    imp = asset_import_commit(actor=head_a, asset_import=preview(head_a, school_a, row()))
    before = state()
    with pytest.raises(ValidationError, match="already been registered"):
        asset_import_commit(actor=head_a, asset_import=imp)
    with pytest.raises(ValidationError, match="already been registered"):
        asset_import_remap(actor=head_a, asset_import=imp, mapping=imp.mapping)
    assert state() == before


def test_commit_refuses_rows_with_errors_and_changes_nothing(head_a, school_a, place):
    imp = preview(head_a, school_a, row(), row(cat="不存在的分类"))
    assert imp.error_count == 1
    before = state()
    with pytest.raises(ValidationError, match="1 row has errors; nothing was registered"):
        asset_import_commit(actor=head_a, asset_import=imp)
    assert state() == before
    imp.refresh_from_db()
    assert (imp.status, imp.error_count) == ("previewed", 1)


def test_what_changed_since_the_dry_run_is_caught_and_nothing_registered(head_a, school_a, place):
    imp = preview(head_a, school_a, row(room="204"), row(room="教学楼 203"))
    assert imp.error_count == 0
    place["204"].is_active = False
    place["204"].save()
    before = state()
    with pytest.raises(ValidationError, match="1 row has errors"):
        asset_import_commit(actor=head_a, asset_import=imp)
    assert state() == before
    imp.refresh_from_db()
    assert errors_of(imp) == [(4, "J", "Room 教学楼 204 is no longer in use.")]


def test_a_number_taken_since_the_dry_run_is_caught(head_a, school_a, place):
    imp = preview(head_a, school_a, row(code="GD-9"))
    make_asset(school_a, name="旧卡")
    Asset.objects.filter(school=school_a).update(code="GD-9")
    before = state()
    with pytest.raises(ValidationError, match="1 row has errors"):
        asset_import_commit(actor=head_a, asset_import=imp)
    assert state() == before


def test_commit_without_the_needed_columns_is_refused(head_a, school_a, place):
    imp = preview(head_a, school_a, row())
    imp = asset_import_remap(actor=head_a, asset_import=imp, mapping={"name": 1, "category": 2})
    assert imp.report["missing"] == ["unit price (yuan) or original value (yuan)", "acquisition date"]
    before = state()
    with pytest.raises(ValidationError, match="Map a column to"):
        asset_import_commit(actor=head_a, asset_import=imp)
    assert state() == before


# --- amounts, numbers, dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "qty", "amount", "unit_price", "booked"),
    [
        (260, 50, 13000, "260.00", "13000.00"),
        (None, 3, 1000, "333.33", "1000.00"),  # the amount is the booked value
        ("333.33", 3, "1000.00", "333.33", "1000.00"),  # within rounding
        (1200, 1, None, "1200.00", "1200.00"),
        ("1,200.005", 1, None, "1200.01", "1200.01"),
    ],
)
def test_amounts(head_a, school_a, place, price, qty, amount, unit_price, booked):
    imp = asset_import_commit(
        actor=head_a, asset_import=preview(head_a, school_a, row(price=price, qty=qty, amount=amount))
    )
    card = Asset.objects.get(school=school_a)
    assert (str(card.unit_price), str(card.amount), imp.total_amount) == (unit_price, booked, Decimal(booked))


BAD_ROWS = [
    (
        row(price=260, qty=50, amount=12000),
        "H",
        "12000.00 is not unit price × quantity (260.00 × 50 = 13000.00).",
    ),
    (row(price="两百"), "F", "Enter a number."),
    (row(price=-5), "F", "The amount cannot be negative."),
    (row(price=None, amount=-5), "H", "The amount cannot be negative."),
    (row(price=None, amount=None), "F", "This field is required."),
    (row(qty=0), "G", "The quantity must be at least 1."),
    (row(qty="两套"), "G", "Enter a whole number."),
    (row(day="明年"), "I", "Enter a valid date."),
    (row(day=None), "I", "This field is required."),
    (
        row(day=(TODAY + datetime.timedelta(days=30)).isoformat()),
        "I",
        "The acquisition date cannot be in the future.",
    ),
    (row(name=""), "B", "This field is required."),
    (row(name="名" * 101), "B", "At most 100 characters."),
    (row(spec="长" * 201), "D", "At most 200 characters."),
    (row(cat=None), "C", "This field is required."),
    (row(cat="A99999999"), "C", "No category with the code A99999999 is available to 黄竹林学校."),
    (
        row(cat="1999999"),
        "C",
        "The 2010 category code 1999999 has no class of the 2022 classification mapped to it.",
    ),
    (row(cat="飞机"), "C", "No category called 飞机 is available to 黄竹林学校."),
    (row(room="203"), "J", "203 could be 实验楼 203, 教学楼 203 三年级2班; write the building too."),
    (row(room="操场"), "J", "黄竹林学校 has no room 操场."),
    (row(keeper="张三"), "K", "张三 is not a member of 黄竹林学校."),
    (row(code="G" * 41), "A", "At most 40 characters."),
    (
        row(code=f"ZC-{YEAR}-0005"),
        "A",
        f"ZC-{YEAR}-0005 is a number Houqin has yet to give to a new card; leave the number empty and one is given.",
    ),
    (
        row(code=f"ZC-{YEAR + 1}-0001"),
        "A",
        f"ZC-{YEAR + 1}-0001 is a number Houqin has yet to give to a new card; leave the number empty and one is given.",
    ),
]


@pytest.mark.parametrize(("bad", "column", "message"), BAD_ROWS)
def test_row_errors_name_the_row_column_and_value(head_a, school_a, place, bad, column, message):
    imp = preview(head_a, school_a, row(), bad)
    assert imp.error_count == 1
    assert errors_of(imp) == [(5, column, message)]
    assert imp.card_count == 1
    assert imp.report["errors"][0]["label"] == HEADER["ABCDEFGHIJK".index(column)]


def test_duplicate_numbers(head_a, school_a, place):
    make_asset(school_a, name="旧卡")
    taken = Asset.objects.get(school=school_a).code
    imp = preview(head_a, school_a, row(code="GD-1"), row(code="GD-1"), row(code=taken))
    assert errors_of(imp) == [
        (5, "A", "The number GD-1 is already in row 4."),
        (6, "A", f"{taken} is already the number of a card of 黄竹林学校."),
    ]


def test_errors_are_counted_all_and_kept_first(head_a, school_a, place, monkeypatch):
    monkeypatch.setattr("houqin.assets.services.imports.KEPT_ERRORS", 3)
    imp = preview(head_a, school_a, *[row(cat="飞机") for _ in range(5)])
    assert (imp.error_count, len(imp.report["errors"])) == (5, 3)
    assert imp.report["summary"] == [
        {"field": "category", "message": "No category called 飞机 is available to 黄竹林学校.", "count": 5}
    ]


# --- matching the school's words ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("A02010100", "A02010100"),
        ("a02010100", "A02010100"),
        ("A05010304 教学、实验椅凳", "A05010304"),
        ("A05010304教学、实验椅凳", "A05010304"),
        ("2010000", "A02010000"),  # a 2010 code, mapped to the 2022 class
        ("2010000 计算机设备及软件", "A02010000"),
        ("计算机", "A02010100"),  # a name, exactly
        ("实验椅凳", "A05010304"),  # part of one name only
        ("家具", "A05010000"),
    ],
)
def test_categories_by_code_legacy_code_or_name(head_a, school_a, place, text, code):
    imp = preview(head_a, school_a, row(cat=text))
    assert imp.error_count == 0, imp.report["errors"]
    assert imp.report["sample"][0]["category"].startswith(code)


def test_category_codes_in_their_own_column_come_first(head_a, school_a, place):
    header = ["资产名称", "分类代码", "分类名称", "单价", "取得日期"]
    data = xlsx(
        [header, ["椅子", "A05010304", "计算机", 95, "2020-1-1"], ["电脑", None, "计算机", 5000, "2020-1-1"]]
    )
    imp = asset_import_upload(actor=head_a, school=school_a, uploaded_file=upload(data))
    assert [s["category"][:9] for s in imp.report["sample"]] == ["A05010304", "A02010100"]


def test_a_partial_name_that_fits_several_categories(head_a, school_a, place):
    imp = preview(head_a, school_a, row(cat="椅凳"))
    assert errors_of(imp) == [
        (4, "C", "椅凳 fits several categories (A05010300, A05010304); write the category code.")
    ]


def test_categories_of_the_school_and_not_of_a_sister_school(head_a, head_b, school_a, school_b, place):
    own = category_create(
        actor=head_a, school=school_a, data={"parent": category("A05010304"), "name": "阶梯教室椅"}
    )
    category_create(actor=head_b, school=school_b, data={"parent": category("A05010304"), "name": "示范椅"})
    imp = preview(head_a, school_a, row(cat="阶梯教室椅"), row(cat=own.code), row(cat="示范椅"))
    assert [s["category"] for s in imp.report["sample"]] == [str(own), str(own)]
    assert errors_of(imp) == [(6, "C", "No category called 示范椅 is available to 黄竹林学校.")]


def test_an_inactive_category_is_not_offered(head_a, school_a, place):
    chairs = category("A05010304")
    chairs.is_active = False
    chairs.save()
    imp = preview(head_a, school_a, row(cat="A05010304"))
    assert errors_of(imp) == [(4, "C", "No category with the code A05010304 is available to 黄竹林学校.")]


@pytest.mark.parametrize(
    "text",
    [
        "教学楼 203",
        "教学楼203",
        "教学楼-203",
        "教学楼203室",
        "三年级2班",
        "教学楼 三年级2班",
        "教学楼 203 三年级2班",
    ],
)
def test_rooms_by_building_and_number_or_name(head_a, school_a, place, text):
    imp = preview(head_a, school_a, row(room=text))
    assert imp.report["sample"][0]["room"] == "教学楼 203 三年级2班"


def test_a_room_of_another_school_is_not_found(head_a, school_a, school_b, place):
    RoomFactory(school=school_b, building=BuildingFactory(school=school_b, name="综合楼"), number="301")
    imp = preview(head_a, school_a, row(room="综合楼 301"))
    assert errors_of(imp) == [(4, "J", "黄竹林学校 has no room 综合楼 301.")]


def test_departments_and_people(head_a, school_a, school_b, place):
    header = ["资产名称", "分类", "单价", "取得日期", "使用部门", "保管人", "使用人"]
    UserFactory(username="other", full_name="李强")  # no membership at the school
    member(school_b, "teacher", full_name="赵磊")
    member(school_a, "teacher", full_name="王芳")  # a second 王芳
    data = xlsx(
        [
            header,
            ["椅子", "A05010304", 95, "2020-1-1", "教务处", "刘云", "liuyun"],
            ["椅子", "A05010304", 95, "2020-1-1", "政教处", "李强", "赵磊"],
            ["椅子", "A05010304", 95, "2020-1-1", "", "王芳", "wangfang"],
        ]
    )
    imp = asset_import_upload(actor=head_a, school=school_a, uploaded_file=upload(data))
    assert imp.report["sample"][0]["department"] == "教务处"
    assert imp.report["sample"][0]["custodian"] == "刘云"
    assert errors_of(imp) == [
        (3, "E", "黄竹林学校 has no department 政教处."),
        (3, "F", "李强 is not a member of 黄竹林学校."),
        (3, "G", "赵磊 is not a member of 黄竹林学校."),
        (4, "F", "Several people of 黄竹林学校 are called 王芳; write the username."),
    ]


def test_choice_words(head_a, school_a, place):
    header = ["资产名称", "分类", "单价", "取得日期", "经费来源", "取得方式", "使用方向", "使用状况", "现状"]
    data = xlsx(
        [
            header,
            ["椅子", "A05010304", 95, "2020-1-1", "财政拨款", "购置", "教学", "在用", "完好"],
            ["椅子", "A05010304", 95, "2020-1-1", "自筹资金", "捐赠", "生活", "闲置", "一般"],
            ["椅子", "A05010304", 95, "2020-1-1", "其它", "调拨", "行政", "待报废", "损坏"],
            ["椅子", "A05010304", 95, "2020-1-1", "乱写", None, None, None, None],
        ]
    )
    imp = asset_import_upload(actor=head_a, school=school_a, uploaded_file=upload(data))
    assert errors_of(imp) == [
        (4, "H", "A new card is in use or idle."),
        (4, "I", "Register damaged property, then report the damage."),
        (5, "E", "乱写 is not one of: 财政拨款、自筹、捐赠、其他."),
    ]
    asset_import_remap(
        actor=head_a, asset_import=imp, mapping={**imp.mapping, "status": None, "condition": None}
    )
    imp.refresh_from_db()
    assert imp.error_count == 1
    imp = asset_import_upload(
        actor=head_a, school=school_a, uploaded_file=upload(xlsx([header, *data_rows(data)[:2]]))
    )
    asset_import_commit(actor=head_a, asset_import=imp)
    first, second = Asset.objects.filter(school=school_a).order_by("code")
    assert (
        first.funding_source,
        first.acquisition_method,
        first.use_purpose,
        first.status,
        first.condition,
    ) == (
        "fiscal",
        "purchase",
        "teaching",
        "in_use",
        "good",
    )
    assert (
        second.funding_source,
        second.acquisition_method,
        second.use_purpose,
        second.status,
        second.condition,
    ) == (
        "non_fiscal",
        "donation",
        "living",
        "idle",
        "worn",
    )


def data_rows(data):
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]


# --- the mapping --------------------------------------------------------------------------------


def test_remap_checks_again_with_the_new_mapping(head_a, school_a, place):
    imp = preview(head_a, school_a, row(spec="M720", keeper="王芳"))
    mapping = {**imp.mapping, "specification": None, "model_number": 3, "custodian": None}
    imp = asset_import_remap(actor=head_a, asset_import=imp, mapping=mapping)
    imp.refresh_from_db()
    assert "specification" not in imp.mapping and imp.mapping["model_number"] == 3
    asset_import_commit(actor=head_a, asset_import=imp)
    card = Asset.objects.get(school=school_a)
    assert (card.specification, card.model_number, card.custodian) == ("", "M720", None)
    log = ChangeLogEntry.objects.filter(content_type__model="assetimport").order_by("pk")
    assert [e.action for e in log] == ["create", "update", "update"]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"name": 1, "category": 1}, "Column B is mapped to both name and category."),
        ({"name": 99}, "The sheet has no such column for name."),
        ({"name": "x"}, "The sheet has no such column for name."),
        ({"colour": 1}, "colour is not a field of an asset card."),
    ],
)
def test_mapping_errors(head_a, school_a, place, mapping, message):
    imp = preview(head_a, school_a, row())
    before = (imp.mapping, imp.report)
    with pytest.raises(ValidationError) as exc:
        asset_import_remap(actor=head_a, asset_import=imp, mapping=mapping)
    assert exc.value.message_dict["mapping"] == [message]
    imp.refresh_from_db()
    assert (imp.mapping, imp.report) == before
    assert mapping_clean({"name": "1"}, imp.layout["columns"]) == {"name": 1}


# --- refused files and people -------------------------------------------------------------------


@pytest.fixture
def tight(settings):
    settings.HOUQIN_ASSET_IMPORT_MAX_ROWS = 3
    settings.HOUQIN_ASSET_IMPORT_MAX_BYTES = 20_000


def bomb():
    from .ledgers import raw_xlsx, sheet_xml

    return raw_xlsx(sheet_xml("<row>" + " " * (8 * 1024 * 1024) + "</row>"))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel workbook (.xlsx)"),
        ("台账.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Excel 97-2003"),
        ("台账.xlsx", "资产名称,单价\n椅子,95\n".encode(), "not an Excel workbook"),
        ("台账.csv", "资产名称,单价\n椅子,95\n".encode(), "Excel workbook (.xlsx)"),
        ("台账.xlsx", b"", "The file is empty"),
        ("台账.xlsx", None, "unpacks to far more data"),
        ("名单.xlsx", xlsx([["姓名", "班级"], ["张三", "一班"]]), "No header row was found"),
        ("台账.xlsx", ledger(row(), row(), row(), row()), "more than 3 rows"),
        (
            "台账.xlsx",
            xlsx([HEADER, row(), [None, os.urandom(20_000).hex()]]),
            "a ledger may be at most 0.0 MB",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(
    head_a, school_a, place, tight, media, name, data, message
):
    before = state()
    with pytest.raises(ValidationError) as exc:
        asset_import_upload(
            actor=head_a, school=school_a, uploaded_file=upload(bomb() if data is None else data, name=name)
        )
    assert message in " ".join(exc.value.message_dict["file"])
    assert state() == before
    assert not AssetImport.objects.exists()
    assert not ChangeLogEntry.objects.filter(content_type__model="assetimport").exists()
    assert stored_files(media) == []


def test_rows_beyond_the_limit_with_blank_ones_between(head_a, school_a, place, tight):
    many = [[None] * 10 + ["备"]] * 1200  # blank rows (an unmapped column): they count too
    with pytest.raises(ValidationError, match="more than 3 rows"):
        asset_import_upload(actor=head_a, school=school_a, uploaded_file=upload(xlsx([HEADER, row(), *many])))


def test_only_people_who_may_register_assets_import(
    teacher_a, head_a, school_a, school_b, head_b, place, media
):
    before = state()
    with pytest.raises(PermissionDenied):
        asset_import_upload(actor=teacher_a, school=school_a, uploaded_file=upload(ledger(row())))
    with pytest.raises(PermissionDenied):
        asset_import_upload(actor=head_b, school=school_a, uploaded_file=upload(ledger(row())))
    assert stored_files(media) == []
    imp = preview(head_a, school_a, row())
    for user in (teacher_a, head_b):
        with pytest.raises(PermissionDenied):
            asset_import_commit(actor=user, asset_import=imp)
        with pytest.raises(PermissionDenied):
            asset_import_remap(actor=user, asset_import=imp, mapping=imp.mapping)
    assert state() == before


def test_check_keeps_nothing(head_a, school_a, place, media):
    imp = asset_import_check(
        actor=head_a, school=school_a, uploaded_file=upload(ledger(row(), row(cat="飞机")))
    )
    assert (imp.pk, imp.card_count, imp.error_count) == (None, 1, 1)
    assert not AssetImport.objects.exists()
    assert stored_files(media) == []


# --- numbering ----------------------------------------------------------------------------------


def test_numbers_reserved_in_one_block(school_a, django_assert_num_queries):
    with transaction.atomic():
        assert document_numbers_reserve(school=school_a, prefix="ZC", count=3, year=2026) == [
            "ZC-2026-0001",
            "ZC-2026-0002",
            "ZC-2026-0003",
        ]
        with django_assert_num_queries(2):  # the locked read, the one update
            assert document_numbers_reserve(school=school_a, prefix="ZC", count=2, year=2026) == [
                "ZC-2026-0004",
                "ZC-2026-0005",
            ]
        assert document_numbers_reserve(school=school_a, prefix="ZC", count=0, year=2026) == []
    assert document_number_last(school=school_a, prefix="ZC", year=2026) == 5


def test_reserved_numbers_come_back_on_rollback(school_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        document_numbers_reserve(school=school_a, prefix="ZC", count=10, year=2026)
        raise RuntimeError
    assert document_number_last(school=school_a, prefix="ZC", year=2026) == 0
    with transaction.atomic():
        assert document_numbers_reserve(school=school_a, prefix="ZC", count=1, year=2026) == ["ZC-2026-0001"]


@pytest.mark.django_db(transaction=True)
def test_reserving_needs_a_transaction_and_a_count():
    from django.db.transaction import TransactionManagementError

    from houqin.core.tests.factories import make_school

    school_a = make_school("独立学校")
    with pytest.raises(TransactionManagementError):
        document_numbers_reserve(school=school_a, prefix="ZC", count=1)
    with pytest.raises(TransactionManagementError):
        document_number_last(school=school_a, prefix="ZC", lock=True)
    with transaction.atomic(), pytest.raises(ValidationError):
        document_numbers_reserve(school=school_a, prefix="ZC", count=-1)


# --- the command --------------------------------------------------------------------------------


def write(tmp_path, data, name="台账.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_command_dry_run_changes_nothing(school_a, place, tmp_path, capsys):
    before = state()
    call_command(
        "import_assets", school=school_a.code, file=write(tmp_path, ledger(row(), row(qty=20))), dry_run=True
    )
    out = capsys.readouterr().out
    assert "2 cards, 21 items, 5460.00 yuan; 0 rows with errors." in out
    assert "Dry run: every row is right; nothing was registered." in out
    assert state() == before
    assert not AssetImport.objects.exists()


def test_command_registers_as_a_user_or_the_system(school_a, place, tmp_path, capsys):
    call_command("import_assets", school=school_a.code, file=write(tmp_path, ledger(row())), user="liuyun")
    assert "Registered 1 cards (1 items, 260.00 yuan)" in capsys.readouterr().out
    card = Asset.objects.get(school=school_a)
    assert card.created_by == place["liu"]
    call_command("import_assets", school=school_a.code, file=write(tmp_path, ledger(row())))
    assert Asset.objects.filter(school=school_a, created_by=None).count() == 1


def test_command_refuses_and_registers_nothing(school_a, place, tmp_path, teacher_a):
    before = state()
    with pytest.raises(CommandError, match="correct the ledger"):
        call_command(
            "import_assets", school=school_a.code, file=write(tmp_path, ledger(row(), row(cat="飞机")))
        )
    with pytest.raises(CommandError, match="No header row"):
        call_command("import_assets", school=school_a.code, file=write(tmp_path, xlsx([["a"]])))
    with pytest.raises(CommandError, match="No school"):
        call_command("import_assets", school="NOPE", file=write(tmp_path, ledger(row())))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_assets", school=school_a.code, file=str(tmp_path / "missing.xlsx"))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_assets",
            school=school_a.code,
            file=write(tmp_path, ledger(row())),
            user=teacher_a.username,
        )
    assert state() == before


# --- forgetting what was never registered -------------------------------------------------------


def test_stale_previews_are_forgotten_with_their_files(
    head_a, school_a, place, media, settings, django_capture_on_commit_callbacks
):
    from houqin.assets.services.imports import asset_imports_discard_stale
    from houqin.assets.tasks import PERIODIC_TASKS, discard_stale_imports

    settings.HOUQIN_ASSET_IMPORT_KEEP_DAYS = 7
    old = preview(head_a, school_a, row(name="旧课桌"))
    fresh = preview(head_a, school_a, row(name="新课桌"))
    done = preview(head_a, school_a, row(name="已登记课桌"))
    with transaction.atomic():
        asset_import_commit(actor=head_a, asset_import=done)
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    AssetImport.objects.filter(pk__in=[old.pk, done.pk]).update(created_at=eight_days_ago)
    old_files = [n for n in (old.file.name, old.layout.get("rows")) if n]
    assert old_files and all(old.file.storage.exists(n) for n in old_files)
    with django_capture_on_commit_callbacks(execute=True):
        assert asset_imports_discard_stale() == 1
    assert set(AssetImport.objects.values_list("pk", flat=True)) == {fresh.pk, done.pk}
    assert not any(old.file.storage.exists(n) for n in old_files)
    assert fresh.file.storage.exists(fresh.file.name)
    assert Asset.objects.filter(name="已登记课桌").count() == 1  # a registered import stays
    assert asset_imports_discard_stale() == 0
    assert (discard_stale_imports, 24 * 3600) in PERIODIC_TASKS


def test_a_recheck_from_a_stale_copy_cannot_unregister_a_committed_ledger(head_a, school_a, place):
    from houqin.assets.services.imports import asset_import_remap

    imp = preview(head_a, school_a, row(name="课桌"))
    stale = AssetImport.objects.get(pk=imp.pk)  # opened before the commit, checked again after
    asset_import_commit(actor=head_a, asset_import=imp)
    with pytest.raises(ValidationError) as exc:
        asset_import_remap(actor=head_a, asset_import=stale, mapping=stale.mapping)
    assert "already been registered" in str(exc.value)
    imp.refresh_from_db()
    assert (imp.status, Asset.objects.filter(name="课桌").count()) == ("committed", 1)
