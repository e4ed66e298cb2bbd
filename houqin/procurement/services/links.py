"""The links to the store (houqin.supplies) and the asset register (houqin.assets).

Purchasing reaches the other apps only here, and only through their services and querysets:
it never writes their models itself.
"""

from django.utils.translation import gettext as _

from houqin.assets.choices import AcquisitionMethod, ProcurementForm, Tracking
from houqin.assets.models import AssetCategory
from houqin.assets.services.assets import asset_register
from houqin.supplies.models import Item, Store
from houqin.supplies.services.stock import stock_receive

from ..choices import AssetTracking, ProcurementClass


def is_item(obj):
    return isinstance(obj, Item)


def is_store(obj):
    return isinstance(obj, Store)


def is_category(obj):
    return isinstance(obj, AssetCategory)


def item_usable(item, school):
    return Item.objects.filter(pk=item.pk, school=school, is_active=True).exists()


def store_usable(store, school):
    return Store.objects.filter(pk=store.pk, school=school, is_active=True).exists()


def category_usable(category, school):
    return AssetCategory.objects.available_to(school).filter(pk=category.pk, is_active=True).exists()


def items_for(school):
    return Item.objects.filter(school=school, is_active=True).order_by("category", "name", "spec")


def stores_for(school):
    return Store.objects.filter(school=school, is_active=True).order_by("name")


def categories_for(school):
    return AssetCategory.objects.available_to(school).filter(is_active=True).order_by("code")


def receive_supplies(*, actor, school, line, quantity, unit_price, store, lot, expiry_date, inspection):
    """Book accepted supplies into the store: one stock-in movement of the supplies ledger."""
    return stock_receive(
        school=school,
        item=line.item,
        store=store,
        quantity=quantity,
        unit_cost=unit_price,
        actor=actor,
        lot=lot,
        expiry_date=expiry_date,
        reference=inspection.number,
        source=inspection,
    )


FORMS = {
    ProcurementClass.DIRECT: ProcurementForm.SELF,
    ProcurementClass.QUOTES: ProcurementForm.SELF,
    ProcurementClass.GOVERNMENT: ProcurementForm.DECENTRALISED,
    ProcurementClass.PUBLIC_TENDER: ProcurementForm.DECENTRALISED,
}


def register_equipment(*, actor, school, line, quantity, unit_price, room, inspection, order):
    """Open the asset cards of accepted equipment: one counted batch, or one card per item."""
    request = line.request
    custodian = room.responsible if room is not None else None
    data = {
        "name": line.name,
        "category": line.asset_category,
        "unit_price": unit_price,
        "acquired_on": inspection.inspected_on,
        "booked_on": inspection.inspected_on,
        "specification": line.specification,
        "unit": line.unit,
        "supplier": order.supplier.name,
        "invoice_number": inspection.invoice_number,
        "contract_number": order.number,
        "procurement_form": FORMS.get(request.procurement_class, ProcurementForm.SELF),
        "acquisition_method": AcquisitionMethod.PURCHASE,
        "room": room,
        "department": request.department,
        "custodian": custodian,
        "event_note": _("Receiving inspection %(number)s") % {"number": inspection.number},
    }
    count = int(quantity)
    if line.asset_tracking == AssetTracking.SINGLE:
        return [
            asset_register(
                actor=actor, school=school, data={**data, "tracking": Tracking.SINGLE, "quantity": 1}
            )
            for _n in range(count)
        ]
    return [
        asset_register(
            actor=actor, school=school, data={**data, "tracking": Tracking.BATCH, "quantity": count}
        )
    ]
