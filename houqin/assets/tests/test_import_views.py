"""Pages of the ledger import: upload, the import's page (mapping, dry run, commit, cards), the
file; login, permissions (403), another school's import (404, unchanged)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.assets.models import Asset, AssetImport
from houqin.core.tests.factories import BuildingFactory, RoomFactory

from .ledgers import ledger, upload

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rooms(school_a, categories):
    building = BuildingFactory(school=school_a, name="教学楼")
    return [RoomFactory(school=school_a, building=building, number=n) for n in ("203", "204")]


def sheet(*rows):
    return ledger(*(rows or (
        ["", "学生课桌椅", "A05010304", "", "", 260, 50, 13000, "2019.9.1", "教学楼 203", ""],
        ["GD-7", "投影机", "A02010100", "EB-X51", "台", "3,200.00", 1, None, datetime.date(2020, 3, 1), "204", ""],
    )))  # fmt: skip


@pytest.fixture
def imported(client, head_a, rooms):
    client.force_login(head_a)
    response = client.post(reverse("assets:assetimport_add"), {"file": upload(sheet())}, follow=True)
    imported = AssetImport.objects.get()
    assert response.redirect_chain == [(imported.get_absolute_url(), 302)]
    assert "资产台账.xlsx was read and checked; nothing is registered yet." in response.content.decode()
    return imported


def test_anonymous_is_sent_to_login(client, imported):
    client.logout()
    for url in (
        reverse("assets:assetimport_add"),
        reverse("assets:assetimport_list"),
        reverse("assets:assetimport_detail", args=[imported.pk]),
        reverse("assets:assetimport_file", args=[imported.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_the_asset_list_offers_the_import_to_those_who_may_register(client, head_a, teacher_a, categories):
    client.force_login(head_a)
    assert reverse("assets:assetimport_add") in client.get(reverse("assets:asset_list")).content.decode()
    client.force_login(teacher_a)
    assert reverse("assets:assetimport_add") not in client.get(reverse("assets:asset_list")).content.decode()


def test_upload_page(client, head_a, teacher_a, categories):
    client.force_login(head_a)
    response = client.get(reverse("assets:assetimport_add"))
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()
    client.force_login(teacher_a)
    assert client.get(reverse("assets:assetimport_add")).status_code == 403
    assert client.post(reverse("assets:assetimport_add"), {"file": upload(sheet())}).status_code == 403
    assert not AssetImport.objects.exists()


def test_a_bad_file_shows_why_and_keeps_nothing(client, head_a, categories):
    client.force_login(head_a)
    response = client.post(reverse("assets:assetimport_add"), {"file": upload(b"not a workbook")})
    assert response.status_code == 400
    assert "The file is not an Excel workbook (.xlsx)." in response.content.decode()
    response = client.post(reverse("assets:assetimport_add"), {})
    assert response.status_code == 400
    assert not AssetImport.objects.exists()


def test_the_import_page_shows_the_dry_run(client, imported):
    response = client.get(reverse("assets:assetimport_detail", args=[imported.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "资产台账.xlsx" in page
    assert "Ready: 2 cards (51 items), 16200.00 yuan in all, would be registered." in page
    assert "学生课桌椅" in page and "EB-X51" in page and "(automatic)" in page and "GD-7" in page
    assert "Counted batch" in page
    assert reverse("assets:assetimport_commit", args=[imported.pk]) in page
    assert reverse("assets:assetimport_mapping", args=[imported.pk]) in page
    assert not Asset.objects.exists()


def test_errors_are_listed_and_block_the_commit(client, head_a, rooms):
    client.force_login(head_a)
    client.post(
        reverse("assets:assetimport_add"),
        {"file": upload(sheet(["", "椅子", "飞机", "", "", 95, 1, None, "2019.9.1", "操场", ""]))},
    )
    imp = AssetImport.objects.get()
    page = client.get(reverse("assets:assetimport_detail", args=[imp.pk])).content.decode()
    assert "1 row has errors" in page
    assert "No category called 飞机 is available to 黄竹林学校." in page
    assert "黄竹林学校 has no room 操场." in page
    assert reverse("assets:assetimport_commit", args=[imp.pk]) not in page
    response = client.post(reverse("assets:assetimport_commit", args=[imp.pk]), follow=True)
    assert "nothing was registered" in response.content.decode()
    assert not Asset.objects.exists()


def test_changing_the_mapping_checks_again(client, imported):
    url = reverse("assets:assetimport_mapping", args=[imported.pk])
    mapping = {name: str(index) for name, index in imported.mapping.items()}
    mapping["acquired_on"] = ""
    response = client.post(url, mapping, follow=True)
    assert response.status_code == 200
    assert "Map a column to: acquisition date." in response.content.decode()
    imported.refresh_from_db()
    assert "acquired_on" not in imported.mapping
    mapping["name"] = mapping["category"]
    response = client.post(url, mapping, follow=True)
    assert "is mapped to both" in response.content.decode()
    assert client.get(url).status_code == 405


def test_commit_registers_and_lists_the_cards(client, imported):
    response = client.post(reverse("assets:assetimport_commit", args=[imported.pk]), follow=True)
    page = response.content.decode()
    assert "2 cards registered, 16200.00 yuan in all." in page
    assert Asset.objects.count() == 2
    card = Asset.objects.get(code="GD-7")
    assert card.get_absolute_url() in page
    assert f"ZC-{YEAR}-0001" in page
    assert reverse("assets:assetimport_mapping", args=[imported.pk]) not in page
    again = client.post(reverse("assets:assetimport_commit", args=[imported.pk]), follow=True)
    assert "already been registered" in again.content.decode()
    assert Asset.objects.count() == 2


def test_the_file_can_be_downloaded(client, imported):
    response = client.get(reverse("assets:assetimport_file", args=[imported.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == sheet()
    assert "attachment" in response["Content-Disposition"]


def test_the_list_of_imports(client, imported, teacher_a, principal_a):
    response = client.get(reverse("assets:assetimport_list"))
    assert response.status_code == 200 and "资产台账.xlsx" in response.content.decode()
    client.force_login(teacher_a)
    assert client.get(reverse("assets:assetimport_list")).status_code == 403
    client.force_login(principal_a)
    assert client.get(reverse("assets:assetimport_list")).status_code == 200


def test_a_principal_reads_but_does_not_register(client, imported, principal_a):
    client.force_login(principal_a)
    response = client.get(reverse("assets:assetimport_detail", args=[imported.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "学生课桌椅" in page
    assert reverse("assets:assetimport_commit", args=[imported.pk]) not in page
    assert client.post(reverse("assets:assetimport_commit", args=[imported.pk])).status_code == 403
    assert client.post(reverse("assets:assetimport_mapping", args=[imported.pk]), {}).status_code == 403
    assert not Asset.objects.exists()


def test_a_teacher_of_the_school_is_refused(client, imported, teacher_a):
    client.force_login(teacher_a)
    assert client.get(reverse("assets:assetimport_detail", args=[imported.pk])).status_code == 403
    assert client.post(reverse("assets:assetimport_commit", args=[imported.pk])).status_code == 403


def test_another_schools_import_is_not_found_and_unchanged(client, imported, head_b, head_x):
    before = (imported.mapping, imported.status, imported.report)
    for user in (head_b, head_x):
        client.force_login(user)
        for name in ("detail", "file"):
            assert client.get(reverse(f"assets:assetimport_{name}", args=[imported.pk])).status_code == 404
        assert client.post(reverse("assets:assetimport_commit", args=[imported.pk])).status_code == 404
        assert (
            client.post(reverse("assets:assetimport_mapping", args=[imported.pk]), {"name": "2"}).status_code
            == 404
        )
        assert "资产台账" not in client.get(reverse("assets:assetimport_list")).content.decode()
    imported.refresh_from_db()
    assert (imported.mapping, imported.status, imported.report) == before
    assert not Asset.objects.exists()
