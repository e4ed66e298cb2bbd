"""The demo district's school property: built through the services, once."""

from django.utils import timezone

from houqin.assets.choices import AssetStatus, DocumentStatus, IncidentStatus, LoanKind, LoanStatus
from houqin.assets.demo import build_demo
from houqin.assets.models import Asset, AssetIncident, AssetLoan, Disposal, RoomSignoff
from houqin.assets.selectors import room_custody
from houqin.core.demo import build_demo as build_district
from houqin.core.models import School


def test_the_demo_districts_property(db):
    district = build_district().district
    result = build_demo(district)
    assert result.created is True
    assert [s.name for s in result.schools] == [
        "黄竹林学校",
        "示范小学",
        "水塘坝小学",
        "岩脚教学点",
        "箐门小学",
        "太平中学",
    ]
    assert result.cards == Asset.objects.filter(origin__isnull=True).count() == 233
    hzl = School.objects.get(name="黄竹林学校")
    desks = Asset.objects.filter(school=hzl, name="学生课桌椅（单人）", origin__isnull=True)
    assert desks.count() == 12 and {d.asset_class for d in desks} == {"fixed"}
    assert Asset.objects.get(school=hzl, name="图书（少儿读物）").depreciation_months == 0
    assert Asset.objects.get(school=hzl, name="篮球（7号）", origin__isnull=True).asset_class == "low_value"
    today = timezone.localdate()
    loans = AssetLoan.objects.filter(school=hzl)
    assert sorted((loan.kind, loan.status, loan.is_overdue(today)) for loan in loans) == [
        (LoanKind.ISSUE, LoanStatus.OUT, False),
        (LoanKind.LOAN, LoanStatus.OUT, True),
        (LoanKind.LOAN, LoanStatus.RETURNED, False),
    ]
    incidents = sorted(AssetIncident.objects.values_list("school__name", "kind", "status"))
    assert incidents == sorted(
        [
            ("黄竹林学校", "damage", IncidentStatus.IN_REPAIR),
            ("黄竹林学校", "loss", IncidentStatus.CLOSED),
            ("黄竹林学校", "theft", IncidentStatus.REPORTED),
            ("示范小学", "damage", IncidentStatus.IN_REPAIR),
            ("水塘坝小学", "damage", IncidentStatus.IN_REPAIR),
            ("箐门小学", "damage", IncidentStatus.IN_REPAIR),
            ("太平中学", "damage", IncidentStatus.IN_REPAIR),
        ]
    )
    lost = AssetIncident.objects.get(kind="loss")
    assert lost.compensation_paid == lost.compensation_due > 0
    assert Disposal.objects.filter(status=DocumentStatus.PENDING).count() == 5
    assert Asset.objects.filter(status=AssetStatus.AWAITING_DISPOSAL).count() == 5
    signoff = RoomSignoff.objects.get()
    assert signoff.signed_by == signoff.room.responsible
    assert room_custody(signoff.room).changed_since_signoff is True
    again = build_demo(district)
    assert (again.created, Asset.objects.count()) == (False, again.cards)


def test_every_page_opens_on_the_demo_district(db, client, settings, tmp_path):
    """Every asset page and list answers 200 with the demo's data to its head of logistics."""
    from django.urls import reverse

    from houqin.assets.models import AssetCategory, AssetEvent, Transfer
    from houqin.core.models import User

    settings.MEDIA_ROOT = tmp_path
    district = build_district().district
    build_demo(district)
    hzl = School.objects.get(name="黄竹林学校")
    client.force_login(User.objects.get(username="zhoujianguo"))
    card = Asset.objects.filter(school=hzl, tracking="batch", status="in_use").order_by("pk").first()
    loan = AssetLoan.objects.filter(school=hzl).first()
    incident = AssetIncident.objects.filter(school=hzl).first()
    disposal = Disposal.objects.filter(school=hzl).first()
    event = AssetEvent.objects.filter(school=hzl, kind="move").first()
    signoff = RoomSignoff.objects.get()
    category = AssetCategory.objects.get(code="A05010304")
    pages = [
        reverse("assets:asset_list"),
        reverse("assets:asset_list") + "?export=xlsx",
        reverse("assets:asset_add"),
        *(
            reverse(f"assets:asset_{n}", args=[card.pk])
            for n in ("detail", "edit", "move", "split", "status", "lend", "report")
        ),
        reverse("assets:asset_detail", args=[card.pk]) + "?tab=history",
        reverse("assets:asset_detail", args=[card.pk]) + "?tab=attachments",
        reverse("assets:assetcategory_list"),
        reverse("assets:assetcategory_add"),
        reverse("assets:assetcategory_detail", args=[category.pk]),
        reverse("assets:assetevent_list"),
        reverse("assets:assetevent_detail", args=[event.pk]),
        reverse("assets:assetevent_reverse", args=[event.pk]),
        reverse("assets:assetloan_list"),
        reverse("assets:assetloan_detail", args=[loan.pk]),
        reverse("assets:assetloan_handback"),
        reverse("assets:assetincident_list"),
        reverse("assets:assetincident_detail", args=[incident.pk]),
        *(
            reverse(f"assets:assetincident_{n}", args=[incident.pk])
            for n in ("repair_start", "repair_finish", "compensation", "payment", "follow_up", "close")
        ),
        reverse("assets:disposal_list"),
        reverse("assets:disposal_add") + f"?assets={card.pk}",
        reverse("assets:disposal_detail", args=[disposal.pk]),
        reverse("assets:disposal_outcome", args=[disposal.pk]),
        reverse("assets:transfer_list"),
        reverse("assets:transfer_add") + f"?assets={card.pk}",
        reverse("assets:roomsignoff_list"),
        reverse("assets:roomsignoff_detail", args=[signoff.pk]),
        reverse("assets:room_custody_list"),
        reverse("assets:room_custody", args=[signoff.room_id]),
        reverse("assets:room_custody_print", args=[signoff.room_id]),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    assert Transfer.objects.count() == 0
