"""The asset classification: the shipped file, imports (all or nothing), 2010 codes, traits, and
the sub-categories schools add."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from houqin.assets.models import AssetCategory, LegacyCategoryCode
from houqin.assets.services.categories import (
    category_create,
    category_for_legacy_code,
    category_import,
    category_traits,
    category_update,
    national_level,
    national_parent_code,
)
from houqin.core.models import ChangeLogEntry
from houqin.core.tests.factories import member

from .factories import category

HEADER = "code,name,unit,depreciation_class,kind_key,special_equipment,bulk_like,verified,legacy_codes\n"


def csv_file(rows):
    return io.BytesIO((HEADER + rows).encode("utf-8"))


def test_the_shipped_file_loads_the_seven_families_and_school_classes(db):
    result = category_import()
    assert (result.created, result.updated, result.unchanged, result.legacy_codes) == (49, 0, 0, 9)
    families = AssetCategory.objects.filter(school__isnull=True, level=1).order_by("code")
    assert [c.name for c in families] == [
        "房屋和构筑物",
        "设备",
        "文物和陈列品",
        "图书和档案",
        "家具和用具",
        "特种动植物",
        "物资",
    ]
    chair = AssetCategory.objects.get(code="A05010304")
    assert [c.code for c in category_traits(chair).lineage] == [
        "A05000000",
        "A05010000",
        "A05010300",
        "A05010304",
    ]
    assert (chair.level, chair.unit, chair.verified) == (4, "把", False)
    assert category_for_legacy_code("2010000").code == "A02010000"
    assert category_for_legacy_code("1020000").code == "A01010000"
    assert category_for_legacy_code("9999999") is None
    # Every change is in the change log, by the system.
    assert ChangeLogEntry.objects.filter(content_type__model="assetcategory", actor=None).count() == 49


def test_importing_again_changes_nothing_and_an_edit_updates(db):
    category_import()
    again = category_import()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 49)
    result = category_import(
        csv_file("A05010304,教学、实验椅凳（改）,张,furniture,desks_chairs,no,yes,yes,\n")
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    chair = AssetCategory.objects.get(code="A05010304")
    assert (chair.name, chair.unit, chair.verified) == ("教学、实验椅凳（改）", "张", True)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("B05000000,家具,件,,,no,no,no,\n", "Row 2: the code B05000000 is not A followed by 8 digits."),
        ("A05000000,,件,,,no,no,no,\n", "Row 2: the name is empty."),
        (
            "A05000000,家具,件,furnature,,no,no,no,\n",
            "Row 2: furnature is not a row of the rule book's table",
        ),
        ("A05000000,家具,件,,Bad-Key,no,no,no,\n", "Row 2: the kind Bad-Key may hold only a-z, 0-9 and _."),
        ("A05000000,家具,件,,,perhaps,no,no,\n", "Row 2: special_equipment must be yes or no."),
        ("A05000000,家具,件,,,no,no,no,60000 家具\n", "Row 2: 60000 is not a 7-digit 2010 code."),
        (
            "A05010000,家具,件,,,no,no,no,\n",
            "Row 2: the class above it, A05000000, is neither in the file nor loaded.",
        ),
        (
            "A05000000,家具,件,,,no,no,no,\nA05000000,家具,件,,,no,no,no,\n",
            "Row 3: the code A05000000 appears twice.",
        ),
        (
            "A05000000,家具,件,,,no,no,no,6000000 家具\nA06000000,动植物,株,,,no,no,no,6000000 家具\n",
            "Row 3: the 2010 code 6000000 is already mapped in row 2.",
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file(db, rows, message):
    good = "A03000000,文物和陈列品,件,cultural_relics,,no,no,no,\n"
    with pytest.raises(ValidationError) as caught:
        category_import(csv_file(good + rows.replace("Row 2", "Row 3")))
    errors = caught.value.message_dict["file"]
    shifted = message.replace("Row 3", "Row 4").replace("Row 2", "Row 3").replace("row 2", "row 3")
    assert any(e.startswith(shifted) for e in errors), errors
    assert AssetCategory.objects.count() == 0
    assert LegacyCategoryCode.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The file has no rows."),
        ("name\n家具\n", "The header lacks the columns: code."),
        ("code,name,colour\nA05000000,家具,red\n", "Unknown columns: colour."),
    ],
)
def test_a_bad_file_is_refused(db, content, message):
    with pytest.raises(ValidationError) as caught:
        category_import(io.BytesIO(content.encode()))
    assert caught.value.message_dict["file"] == [message]
    assert AssetCategory.objects.count() == 0


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("A05000000", 1, None),
        ("A05010000", 2, "A05000000"),
        ("A05010300", 3, "A05010000"),
        ("A05010304", 4, "A05010300"),
        ("A02061800", 3, "A02060000"),
    ],
)
def test_code_structure(code, level, parent):
    assert (national_level(code), national_parent_code(code)) == (level, parent)


def test_the_command_imports_and_reports(db, tmp_path):
    out = io.StringIO()
    call_command("import_categories", stdout=out)
    assert out.getvalue().strip() == "49 created, 0 updated, 0 unchanged; 9 2010 codes mapped."
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "X1,坏,件,,,no,no,no,\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_categories", str(bad))
    assert "Nothing was imported" in str(caught.value)
    assert "Row 2: the code X1 is not A followed by 8 digits." in str(caught.value)
    with pytest.raises(CommandError):
        call_command("import_categories", str(tmp_path / "missing.csv"))


def test_traits_are_inherited(categories):
    chair = category_traits(category("A05010304"))
    assert (chair.depreciation_class, chair.unit, chair.bulk_like, chair.special_equipment) == (
        "furniture",
        "把",
        True,
        False,
    )
    assert (
        chair.matches(["desks_chairs"]) and chair.matches(["A05000000"]) and not chair.matches(["vehicles"])
    )
    lab = category_traits(category("A02330000"))
    assert (lab.special_equipment, lab.depreciation_class) == (True, "special_instruments")
    books = category_traits(category("A04010000"))
    assert (books.depreciation_class, books.bulk_like) == ("books_archives", True)
    supplies = category_traits(category("A07000000"))
    assert supplies.depreciation_class == ""


def test_a_school_adds_its_own_sub_category(
    categories, school_a, school_b, head_a, head_b, district, supervisor
):
    sub = category_create(
        actor=head_a, school=school_a, data={"parent": category("A05010304"), "name": "阶梯教室连排椅"}
    )
    assert (sub.code, sub.level, sub.unit, sub.school, sub.bulk_like) == (
        "A05010304-01",
        5,
        "把",
        school_a,
        True,
    )
    second = category_create(
        actor=head_a, school=school_a, data={"parent": category("A05010304"), "name": "折叠椅"}
    )
    assert second.code == "A05010304-02"
    assert category_traits(sub).depreciation_class == "furniture"
    # Seen by its school and the district above it; not by a sister school.
    assert AssetCategory.objects.for_user(head_a).filter(pk=sub.pk).exists()
    assert AssetCategory.objects.for_user(supervisor).filter(pk=sub.pk).exists()
    assert not AssetCategory.objects.for_user(head_b).filter(pk=sub.pk).exists()
    assert not AssetCategory.objects.available_to(school_b).filter(pk=sub.pk).exists()
    # A district's class serves all its schools.
    shared = category_create(
        actor=member(district, "admin"),
        school=district,
        data={"parent": category("A02010100"), "name": "班班通终端"},
    )
    assert AssetCategory.objects.available_to(school_b).filter(pk=shared.pk).exists()
    assert AssetCategory.objects.for_user(head_b).filter(pk=shared.pk).exists()
    assert (
        ChangeLogEntry.objects.filter(object_id=str(sub.pk), content_type__model="assetcategory").count() == 1
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "无上级"}, "parent"),
        ({"parent": "B", "name": "别校的下级"}, "parent"),
        ({"parent": "A05010304", "name": ""}, "name"),
        (
            {"parent": "A05010304", "name": "错的类别", "depreciation_class": "spaceships"},
            "depreciation_class",
        ),
        ({"parent": "A05010304", "name": "错的标记", "kind_key": "Bad Key"}, "kind_key"),
    ],
)
def test_bad_sub_categories_change_nothing(categories, school_a, school_b, head_a, data, field):
    other = AssetCategory.objects.create(
        school=school_b, parent=category("A05010304"), code="B-1", name="别校", level=5
    )
    data = dict(data)
    if data.get("parent") == "B":
        data["parent"] = other
    elif isinstance(data.get("parent"), str):
        data["parent"] = category(data["parent"])
    before = AssetCategory.objects.count()
    with pytest.raises(ValidationError) as caught:
        category_create(actor=head_a, school=school_a, data=data)
    assert field in caught.value.message_dict
    assert AssetCategory.objects.count() == before


def test_the_national_tree_is_not_edited_by_schools(categories, school_a, head_a, teacher_a):
    national = category("A05010304")
    with pytest.raises(PermissionDenied):
        category_update(actor=head_a, instance=national, data={"name": "改名"})
    national.refresh_from_db()
    assert national.name == "教学、实验椅凳"
    own = category_create(actor=head_a, school=school_a, data={"parent": national, "name": "连排椅"})
    with pytest.raises(PermissionDenied):
        category_update(actor=teacher_a, instance=own, data={"name": "别改"})
    category_update(actor=head_a, instance=own, data={"name": "礼堂连排椅", "unit": "排"})
    own.refresh_from_db()
    assert (own.name, own.unit) == ("礼堂连排椅", "排")
