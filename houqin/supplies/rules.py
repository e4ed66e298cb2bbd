"""Rule-book entries of the supplies app (the national catalogue in core has none for supplies).

Read them with houqin.core.rulebook.rule(key, school); never hard-code the numbers.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from houqin.core.rulebook import GROUPS, RULES, Certainty, Kind, RuleDef, define

REQUISITION_APPROVAL_THRESHOLD = "supplies.requisition_approval_threshold"
EXPIRY_WARNING_DAYS = "supplies.expiry_warning_days"

# The catalogue's groups are core's; supplies is not among them yet, so the app adds its own
# (core's define() refuses a key whose group is unknown).
GROUPS.setdefault("supplies", _("Supplies"))

_DEFS = [
    RuleDef(
        key=REQUISITION_APPROVAL_THRESHOLD,
        name=_("Requisitions above this value need approval"),
        kind=Kind.DECIMAL,
        default=Decimal("500.00"),
        unit=_("yuan"),
        source="School 物资领用 rules (小额低值易耗品凭领用单直接领取，超过限额须经审批); the amount varies by school",
        certainty=Certainty.LOCAL,
        description=_(
            "A requisition whose estimated value (quantity × the store's average cost) is above this goes "
            "through the approval policy for supplies requisitions; up to it the storekeeper issues "
            "against the requisition directly."
        ),
        extra={"min": 0, "places": 2},
    ),
    RuleDef(
        key=EXPIRY_WARNING_DAYS,
        name=_("Warn this many days before stock expires"),
        kind=Kind.INTEGER,
        default=30,
        unit=_("days"),
        source="Houqin default (先进先出、临期预警: a month's notice to use up or replace stock)",
        certainty=Certainty.LOCAL,
        description=_("Lots expiring within this many days are listed as near expiry and storekeepers told."),
        extra={"min": 1, "max": 365},
    ),
]

# Imported once per process; a second import (a test reloading modules) must not define twice.
define(*[d for d in _DEFS if d.key not in RULES])
