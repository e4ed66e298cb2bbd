"""Rule-book entries of the asset register that the national catalogue (core) does not have.

The others it reads are defined in houqin/core/rulebook_defaults.py: assets.capitalisation_*,
assets.min_service_life_years, assets.bulk_like_items_are_fixed_assets,
assets.always_fixed_asset_kinds, assets.depreciation_*, assets.disposal_*.
"""

from django.utils.translation import gettext_lazy as _

from houqin.core.rulebook import Certainty, Kind, RuleDef, define

COMPENSATION_BASIS = "assets.compensation_basis"
DISPOSAL_VALUE_BASIS = "assets.disposal_value_basis"
LOAN_REMINDER_DAYS = "assets.loan_reminder_interval_days"

define(
    RuleDef(
        key=COMPENSATION_BASIS,
        name=_("Compensation for lost or damaged property"),
        kind=Kind.TEXT,
        default="net_book_value",
        source="School 总务处 rules (照价赔偿; some schools charge the original or the market price) — DOMAIN.md §2.6",
        certainty=Certainty.LOCAL,
        description=_(
            "What the person answerable pays for an item lost or destroyed: net_book_value (the "
            "depreciated value on the day of the loss) or original_value (the price paid)."
        ),
        extra={"choices": ["net_book_value", "original_value"]},
    ),
    RuleDef(
        key=DISPOSAL_VALUE_BASIS,
        name=_("Value a disposal is routed on"),
        kind=Kind.TEXT,
        default="original_value",
        source="《事业单位国有资产管理暂行办法》财政部令第36号 art. 26 (单位价值或批量价值 above the local limit)",
        certainty=Certainty.UNVERIFIED,
        description=_(
            "The value compared with the disposal bands: original_value (账面原值, the usual reading) or "
            "net_book_value."
        ),
        extra={"choices": ["original_value", "net_book_value"]},
    ),
    RuleDef(
        key=LOAN_REMINDER_DAYS,
        name=_("Days between reminders of an overdue loan"),
        kind=Kind.INTEGER,
        default=7,
        unit=_("days"),
        source="School practice (借用物品到期催还); no national rule",
        certainty=Certainty.LOCAL,
        description=_(
            "A borrower whose loan is overdue is reminded on the first day after the due date and again "
            "every this many days until it comes back."
        ),
        extra={"min": 1, "max": 90},
    ),
)
