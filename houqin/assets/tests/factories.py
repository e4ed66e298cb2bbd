"""Test helpers of the asset register: categories, rooms and cards made through the services."""

import datetime
from decimal import Decimal

from houqin.assets.models import AssetCategory
from houqin.assets.services.assets import asset_register
from houqin.assets.services.categories import category_import
from houqin.core.tests.factories import RoomFactory


def load_categories():
    """The shipped national classification (idempotent)."""
    if not AssetCategory.objects.filter(school__isnull=True).exists():
        category_import()


def category(code):
    load_categories()
    return AssetCategory.objects.get(school__isnull=True, code=code)


def make_room(school, **fields):
    return RoomFactory(school=school, **fields)


DEFAULTS = {
    "name": "台式计算机",
    "category": "A02010100",
    "unit_price": Decimal("4800.00"),
    "acquired_on": datetime.date(2025, 3, 10),
}


def make_asset(school, actor=None, **data):
    """A card registered at `school` (the system registers it unless `actor` is given)."""
    values = {**DEFAULTS, **data}
    if isinstance(values["category"], str):
        values["category"] = category(values["category"])
    if isinstance(values.get("quantity"), int) and values["quantity"] > 1:
        values.setdefault("tracking", "batch")
    return asset_register(actor=actor, school=school, data=values)


def make_desks(school, room, quantity=50, actor=None, **data):
    """A counted batch of student desks in `room` (fixed assets whatever their price)."""
    values = {
        "name": "学生课桌椅",
        "category": "A05010304",
        "unit_price": Decimal("260.00"),
        "quantity": quantity,
        "tracking": "batch",
        "room": room,
        "acquired_on": datetime.date(2024, 8, 20),
        **data,
    }
    return make_asset(school, actor=actor, **values)
