"""Factories for the supplies tests: items, stores, stock received through the service."""

import itertools
from decimal import Decimal

from houqin.core.tests.factories import BuildingFactory, CampusFactory, RoomFactory

from ..models import Item, Store
from ..services.stock import stock_receive

_n = itertools.count(1)


def item(school, name=None, unit="包", category="office", **fields):
    return Item.objects.create(
        school=school, name=name or f"物品{next(_n)}", unit=unit, category=category, **fields
    )


def store(school, name="物资仓库", **fields):
    return Store.objects.create(school=school, name=name, **fields)


def receive(school, it, st, quantity, unit_cost="1.00", **kwargs):
    """Stock in through the service, by the system (no permission asked)."""
    return stock_receive(
        school=school,
        item=it,
        store=st,
        quantity=Decimal(str(quantity)),
        unit_cost=Decimal(str(unit_cost)),
        actor=None,
        **kwargs,
    )


def classroom(school, name, head=None, capacity=45, building=None, number=None):
    building = building or BuildingFactory(
        school=school, name="教学楼", campus=CampusFactory(school=school, name="本部")
    )
    return RoomFactory(
        school=school,
        building=building,
        name=name,
        number=number or f"{100 + next(_n)}",
        capacity=capacity,
        responsible=head,
    )
