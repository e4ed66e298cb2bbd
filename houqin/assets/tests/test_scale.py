"""The asset register's scale step (`houqin seed-scale`): cards spread over each school's rooms,
classified like a registration, each with its registered event; the numbers continue after."""

from houqin.core import scale as core_scale

from .. import scale as asset_scale
from ..choices import EventKind
from ..models import Asset, AssetEvent
from ..services.search import search_text_for
from .factories import make_asset


def test_the_scale_step(monkeypatch, categories):
    monkeypatch.setattr(asset_scale, "PER_SCHOOL", 40)
    ctx = core_scale.ScaleContext(
        schools_count=3, rooms_per_school=6, users_per_school=13, schools_per_district=2, password_hash="x"
    )
    for step in (core_scale.scale_tree, core_scale.scale_people, core_scale.scale_places):
        step(ctx)
    asset_scale.scale_assets(ctx)
    cards = Asset.objects.filter(school__in=ctx.schools)
    assert cards.count() == 3 * 40 == ctx.counts["asset cards"]
    assert cards.values("school", "code").distinct().count() == 120
    # Every card's ledger starts with its registration, in its room and quantity.
    events = AssetEvent.objects.filter(asset__in=cards, kind=EventKind.REGISTER)
    assert events.count() == 120
    for card in cards.select_related("room")[:30]:
        event = card.events.get()
        assert (event.to_room_id, event.quantity, event.amount) == (card.room_id, card.quantity, card.amount)
        assert card.search_text == search_text_for(card)
        assert card.room is None or card.room.school_id == card.school_id
    # Batches are counted batches; desks are fixed assets whatever their price (the rule book).
    desks = cards.filter(name="学生课桌椅（单人）").first()
    assert (desks.tracking, desks.asset_class, desks.quantity > 1) == ("batch", "fixed", True)
    # The school's numbers continue after the seeded cards.
    school = ctx.schools[0]
    last = cards.filter(school=school).order_by("-code").values_list("code", flat=True).first()
    new = make_asset(school, name="新购投影仪", category="A02020200")
    assert new.code.rsplit("-", 1)[1] == f"{int(last.rsplit('-', 1)[1]) + 1:04d}"
