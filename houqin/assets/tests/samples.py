"""Samples of the asset register's models for the route-walking leak test (tests/samples.py merges
these). Each carries its marker in a text field its list and detail pages show; helper objects
carry "LEAK-" in their names."""

import datetime
from decimal import Decimal

from houqin.assets.models import (
    Asset,
    AssetCategory,
    AssetEvent,
    AssetImport,
    AssetIncident,
    AssetLoan,
    Disposal,
    RoomSignoff,
    Stocktake,
    Transfer,
)
from houqin.assets.services.assets import asset_move
from houqin.assets.services.categories import category_create
from houqin.assets.services.custody import room_signoff
from houqin.assets.services.disposals import disposal_request, transfer_request
from houqin.assets.services.imports import asset_import_upload
from houqin.assets.services.incidents import incident_report
from houqin.assets.services.loans import asset_lend
from houqin.assets.services.stocktakes import stocktake_create
from houqin.core.tests.factories import make_school

from .factories import category, make_asset, make_room
from .ledgers import ledger, upload

PREFIX = "LEAK-"


def _marker(model):
    return f"{PREFIX}{model._meta.app_label}-{model._meta.model_name}"


def _room(school, user, name):
    return make_room(school, number="LEAK1", name=f"{PREFIX}{name}-room", responsible=user)


def _card(school, user, name, **data):
    return make_asset(
        school, actor=user, name=f"{PREFIX}{name}", acquired_on=datetime.date(2020, 9, 1), **data
    )


def build_asset(school, user):
    return make_asset(school, actor=user, name=_marker(Asset), room=_room(school, user, "asset"))


def build_category(school, user):
    return category_create(
        actor=user, school=school, data={"parent": category("A05010304"), "name": _marker(AssetCategory)}
    )


def build_event(school, user):
    card = _card(school, user, "event-asset")
    asset_move(actor=user, asset=card, room=_room(school, user, "event"), note=_marker(AssetEvent))
    return AssetEvent.objects.filter(asset=card, note=_marker(AssetEvent)).get()


def build_loan(school, user):
    card = _card(school, user, "loan-asset")
    return asset_lend(
        actor=user, asset=card, borrower=user, due_on=datetime.date.today(), purpose=_marker(AssetLoan)
    )


def build_incident(school, user):
    card = _card(school, user, "incident-asset")
    return incident_report(actor=user, asset=card, kind="damage", description=_marker(AssetIncident))


def build_disposal(school, user):
    card = _card(school, user, "disposal-asset", unit_price=Decimal("300.00"))
    return disposal_request(
        actor=user,
        school=school,
        method="scrap",
        ground="end_of_life",
        reason=_marker(Disposal),
        lines=[(card, None)],
    )


def build_transfer(school, user):
    card = _card(school, user, "transfer-asset")
    target = make_school(f"{PREFIX}transfer-target", parent=school.parent)
    return transfer_request(
        actor=user, school=school, to_school=target, reason=_marker(Transfer), lines=[(card, None)]
    )


def build_signoff(school, user):
    room = _room(school, user, "signoff")
    _card(school, user, "signoff-asset", room=room)
    return room_signoff(actor=user, room=room, note=_marker(RoomSignoff))


def build_stocktake(school, user):
    room = _room(school, user, "stocktake")
    _card(school, user, "stocktake-asset", room=room)
    return stocktake_create(actor=user, school=school, name=_marker(Stocktake), room=room)


def build_import(school, user):
    room = _room(school, user, "import")
    data = ledger(
        ["", f"{PREFIX}import-asset", "A05010304", "", "把", 95, 30, 2850, "2020-09-01", room.number, ""]
    )
    return asset_import_upload(
        actor=user, school=school, uploaded_file=upload(data, name=f"{_marker(AssetImport)}.xlsx")
    )


SAMPLES = {
    Asset: build_asset,
    AssetCategory: build_category,
    AssetEvent: build_event,
    AssetLoan: build_loan,
    AssetIncident: build_incident,
    Disposal: build_disposal,
    Transfer: build_transfer,
    RoomSignoff: build_signoff,
    Stocktake: build_stocktake,
    AssetImport: build_import,
}
