"""QR label sheets: the PDF, its page count, permission and scoping; the stocktake reads labels."""

import re
import zlib

import pytest
from django.urls import reverse

from houqin.assets.labels import labels_pdf
from houqin.assets.models import Asset
from houqin.assets.services.stocktakes import stocktake_create, stocktake_scan
from houqin.maintenance.services.public import qr_path

from .factories import make_asset


def pages(pdf):
    """Page objects of a PDF, looking inside its compressed object streams too."""
    texts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            texts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", t)) for t in texts)


@pytest.fixture
def cards(categories, school_a, room_a):
    return [make_asset(school_a, name=f"电脑{i}", room=room_a) for i in range(26)]


def test_pdf_page_count_per_layout(cards):
    qs = Asset.objects.filter(pk__in=[c.pk for c in cards]).select_related("school").order_by("code")
    pdf = labels_pdf(qs, layout="a4_3x8")
    assert pdf.startswith(b"%PDF")
    assert pages(pdf) == 2  # 26 labels, 24 a sheet
    assert pages(labels_pdf(qs[:10], layout="a4_2x5")) == 1
    assert pages(labels_pdf(qs[:11], layout="a4_2x5")) == 2


def test_labels_page_permission_and_scoping(client, cards, school_b, head_a, head_b, teacher_a):
    url = reverse("assets:asset_labels")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    client.force_login(head_a)
    ids = "&".join(f"asset={c.pk}" for c in cards[:3])
    response = client.get(f"{url}?{ids}&layout=a4_3x8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert pages(response.content) == 1
    # The current filter of the asset list (all 26 cards of the school here).
    assert pages(client.get(f"{url}?layout=a4_2x5").content) == 3
    choose = client.get(f"{url}?{ids}&choose=1")
    assert choose.status_code == 200
    assert "3 labels." in choose.content.decode()
    # Another school's head gets no label of these cards.
    client.force_login(head_b)
    response = client.get(f"{url}?{ids}&layout=a4_3x8")
    assert response.status_code == 400
    assert "No asset cards match" in response.content.decode()
    # A teacher may read assets (assets.view_asset), so may print their labels.
    client.force_login(teacher_a)
    assert client.get(f"{url}?{ids}&layout=a4_3x8").status_code == 200


def test_unknown_layout_is_refused(client, cards, head_a):
    client.force_login(head_a)
    response = client.get(reverse("assets:asset_labels") + f"?asset={cards[0].pk}&layout=a0")
    assert response.status_code == 400
    assert "Choose a layout." in response.content.decode()


def test_stocktake_scans_the_label_url(cards, head_a, school_a, room_a):
    st = stocktake_create(actor=head_a, school=school_a, name="扫码")
    line = stocktake_scan(
        actor=head_a, stocktake=st, room=room_a, code=f"https://hq.example{qr_path(cards[5])}"
    )
    assert line.asset_id == cards[5].pk
    assert line.counted_quantity == 1


def test_a_filter_that_does_not_validate_labels_nothing(client, cards, head_a):
    client.force_login(head_a)
    for query in ("?category=abc&layout=a4_3x8", "?asset=%C2%B2&room=abc&layout=a4_3x8"):
        response = client.get(reverse("assets:asset_labels") + query)
        assert response.status_code == 400
        assert response.context["count"] == 0


def test_garbage_ids_in_addresses_are_no_server_error(client, cards, head_a):
    client.force_login(head_a)
    for url in (
        reverse("assets:disposal_add") + "?assets=%C2%B2",
        reverse("assets:transfer_add") + "?assets=%C2%B2,x",
        reverse("assets:assetloan_handback") + "?semester=%C2%B2",
    ):
        assert client.get(url).status_code in (200, 400), url
