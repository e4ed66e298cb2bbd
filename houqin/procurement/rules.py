"""Rule-book entries of purchasing that the national catalogue (core) does not have.

The others it reads are defined in houqin/core/rulebook_defaults.py: procurement.quote_threshold,
procurement.min_quotes, procurement.min_quote_signers, procurement.min_buyers,
procurement.decentralised_limit, procurement.public_tender_threshold and approval.default_bands.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from houqin.core.rulebook import Certainty, Kind, RuleDef, define

QUOTE_THRESHOLD = "procurement.quote_threshold"
MIN_QUOTES = "procurement.min_quotes"
MIN_SIGNERS = "procurement.min_quote_signers"
MIN_BUYERS = "procurement.min_buyers"
DECENTRALISED_LIMIT = "procurement.decentralised_limit"
PUBLIC_TENDER = "procurement.public_tender_threshold"
DEFAULT_BANDS = "approval.default_bands"

BULK_DELIVERY_AMOUNT = "procurement.bulk_delivery_amount"
BULK_DELIVERY_INSPECTORS = "procurement.bulk_delivery_min_inspectors"
INSPECTOR_OTHER_THAN_BUYER = "procurement.inspector_other_than_buyer"
SAVING_BASIS = "procurement.saving_basis"
CERTIFICATE_WARNING_DAYS = "procurement.certificate_warning_days"

define(
    RuleDef(
        key=BULK_DELIVERY_AMOUNT,
        name=_("A delivery is a bulk delivery from"),
        kind=Kind.DECIMAL,
        default=Decimal("1000.00"),
        unit=_("yuan"),
        source="School receiving rules (大宗物品 accepted jointly; DOMAIN.md §5.2, §6); the amount is the "
        "software's default, set as the quote threshold",
        certainty=Certainty.LOCAL,
        description=_(
            "A delivery whose value (delivered quantity × order price) reaches this amount is inspected "
            "by several people (see the minimum number of inspectors of a bulk delivery)."
        ),
        extra={"min": 0, "places": 2},
    ),
    RuleDef(
        key=BULK_DELIVERY_INSPECTORS,
        name=_("Inspectors of a bulk delivery"),
        kind=Kind.INTEGER,
        default=2,
        unit=_("people"),
        source="《学校食堂大宗食材采购验收管理工作指引》教体艺厅函〔2025〕30号 (双人或多人联检); school 验收 rules "
        "(purchases by ≥ 2 people, goods handed to the 保管员) — DOMAIN.md §1.3, §5.2",
        certainty=Certainty.LOCAL,
        description=_("A bulk delivery is accepted by at least this many distinct named inspectors."),
        extra={"min": 1, "max": 10},
    ),
    RuleDef(
        key=INSPECTOR_OTHER_THAN_BUYER,
        name=_("A delivery is inspected by someone besides the buyer"),
        kind=Kind.BOOLEAN,
        default=True,
        source="School purchasing rules: the buyer hands the goods to the 保管员, who checks each delivery; "
        "the delivery note is signed by the keeper and the head of logistics (DOMAIN.md §5.2, §6)",
        certainty=Certainty.LOCAL,
        description=_("At least one inspector of a delivery is not a buyer of its order."),
    ),
    RuleDef(
        key=SAVING_BASIS,
        name=_("Saving of a quote comparison is measured against"),
        kind=Kind.TEXT,
        default="next_cheapest",
        source="No national rule; 三家比价 records compare the chosen price with the other quotes "
        "(DOMAIN.md §5.2). The cheapest other quote is the saving the choice really made",
        certainty=Certainty.UNVERIFIED,
        description=_(
            "next_cheapest: the cheapest of the other quotes minus the chosen quote (a dearer choice shows "
            "a negative saving); mean_of_others: the mean of the other quotes minus the chosen quote."
        ),
        extra={"choices": ["next_cheapest", "mean_of_others"]},
    ),
    RuleDef(
        key=CERTIFICATE_WARNING_DAYS,
        name=_("Warn of a supplier certificate expiring within"),
        kind=Kind.INTEGER,
        default=30,
        unit=_("days"),
        source="School practice (索证索票: suppliers' licences kept valid; DOMAIN.md §1.2, §5.2)",
        certainty=Certainty.LOCAL,
        description=_(
            "The head of logistics is told when a supplier's licence or certificate expires this soon."
        ),
        extra={"min": 1, "max": 365},
    ),
)
