"""Exceptions of the supplies services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class InsufficientStock(ValidationError):
    """The store holds less than asked for. A ValidationError keyed by "quantity", so every caller
    (form, API, import) shows it like any other bad input; the numbers are kept for callers that
    list shortages (the allotment)."""

    def __init__(self, *, item, store, requested, available, field="quantity"):
        self.item = item
        self.store = store
        self.requested = requested
        self.available = available
        super().__init__(
            {
                field: _("%(item)s: requested %(requested)s, %(available)s available in %(store)s.")
                % {
                    "item": item,
                    "requested": _number(requested),
                    "available": _number(available),
                    "store": store,
                }
            }
        )


def _number(value):
    """12.500 -> 12.5, 3.000 -> 3: quantities as people write them."""
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text
