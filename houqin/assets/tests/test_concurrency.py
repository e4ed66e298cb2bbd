"""Two people acting on the same batch at once: the card's row lock lets exactly one through."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from houqin.assets.models import Asset, AssetEvent
from houqin.assets.services.assets import asset_move
from houqin.core.tests.factories import member

from .factories import make_desks


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_moves_of_30_from_50_desks_one_succeeds(categories, school_a, head_a, room_a, room_a2):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    desks = make_desks(school_a, room_a)
    other = member(school_a, "storekeeper", username="keeper_2")
    barrier = threading.Barrier(2)
    results = []

    def move(user):
        from django.db import connection as conn

        try:
            barrier.wait()
            asset_move(actor=user, asset=desks, quantity=30, room=room_a2)
            results.append("ok")
        except ValidationError as exc:
            results.append(exc.messages[0])
        finally:
            conn.close()

    threads = [threading.Thread(target=move, args=(u,)) for u in (head_a, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["Only 20 are on this card.", "ok"]
    desks.refresh_from_db()
    assert (desks.quantity, Asset.objects.count(), AssetEvent.objects.filter(kind="move").count()) == (
        20,
        2,
        1,
    )
    assert Asset.objects.exclude(pk=desks.pk).get().quantity == 30
