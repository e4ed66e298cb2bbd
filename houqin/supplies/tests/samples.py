"""Samples of the supplies models for the route-walking leak test (tests/samples.py merges them).

Each carries its marker in a text field its pages show: an item's or store's name, a balance's
item, a movement's reference, a requisition's purpose, a kit's name, an allotment's title, a
class's room name. Helper objects carry "LEAK-" in their names too."""

from decimal import Decimal

from houqin.core.models import Building, Campus, Room, RoomKind

from ..models import Allotment, AllotmentTarget, Item, Kit, Requisition, StockBalance, StockMovement, Store

PREFIX = "LEAK-"


def marker(model):
    return f"{PREFIX}{model._meta.app_label}-{model._meta.model_name}"


def _item(school, name):
    return Item.objects.create(school=school, name=name, unit="包", category="office")


def _store(school, name):
    return Store.objects.get_or_create(school=school, name=name)[0]


def _classroom(school, name, head):
    campus = Campus.objects.get_or_create(school=school, name=f"{PREFIX}supplies-campus")[0]
    building = Building.objects.get_or_create(
        school=school, campus=campus, name=f"{PREFIX}supplies-building"
    )[0]
    number = str(100 + Room.objects.filter(building=building).count() + 1)
    return Room.objects.create(
        school=school,
        building=building,
        number=number,
        name=name,
        kind=RoomKind.CLASSROOM,
        capacity=40,
        responsible=head,
    )


def _receive(school, item, store, quantity=5, reference=""):
    from ..services.stock import stock_receive

    return stock_receive(
        school=school,
        item=item,
        store=store,
        quantity=Decimal(quantity),
        unit_cost=Decimal("3.00"),
        actor=None,
        reference=reference,
    )


def build_item(school, user):
    return _item(school, marker(Item))


def build_store(school, user):
    return Store.objects.create(school=school, name=marker(Store), note=marker(Store))


def build_balance(school, user):
    return _receive(
        school, _item(school, marker(StockBalance)), _store(school, f"{PREFIX}supplies-store")
    ).balance


def build_movement(school, user):
    item = _item(school, f"{PREFIX}supplies-movement-item")
    return _receive(school, item, _store(school, f"{PREFIX}supplies-store"), reference=marker(StockMovement))


def build_requisition(school, user):
    from ..services.requisitions import requisition_create

    item = _item(school, f"{PREFIX}supplies-requisition-item")
    return requisition_create(
        actor=user,
        school=school,
        purpose=marker(Requisition),
        lines=[{"item": item, "quantity": Decimal("2")}],
    )


def _kit(school, user, name):
    from ..services.allotments import kit_create

    item = _item(school, f"{name}-item")
    return kit_create(actor=user, school=school, name=name, lines=[{"item": item, "quantity": Decimal("1")}])


def build_kit(school, user):
    return _kit(school, user, marker(Kit))


def _allotment(school, user, title, room_name):
    from ..services.allotments import allotment_create

    kit = _kit(school, user, f"{title}-kit")
    room = _classroom(school, room_name, user)
    return allotment_create(
        actor=user,
        school=school,
        title=title,
        kit=kit,
        store=_store(school, f"{PREFIX}supplies-store"),
        rooms=[room],
    )


def build_allotment(school, user):
    return _allotment(school, user, marker(Allotment), f"{PREFIX}supplies-allotment-room")


def build_allotment_target(school, user):
    allotment = _allotment(school, user, f"{PREFIX}supplies-target-allotment", marker(AllotmentTarget))
    return allotment.targets.get()


SAMPLES = {
    Item: build_item,
    Store: build_store,
    StockBalance: build_balance,
    StockMovement: build_movement,
    Requisition: build_requisition,
    Kit: build_kit,
    Allotment: build_allotment,
    AllotmentTarget: build_allotment_target,
}
