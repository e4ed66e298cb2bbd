"""National defaults of the rule book, each with its source (../shared/DOMAIN.md)."""

from django.utils.translation import gettext_lazy as _

from .rulebook import Certainty, Kind, RuleDef, define

define(
    RuleDef(
        key="approval.incompatible_duties",
        name=_("Incompatible duties on one document"),
        kind=Kind.JSON,
        default=[["approver", "cashier", "bookkeeper"]],
        source="《会计法》; 《行政事业单位内部控制规范》: 不相容岗位相互分离 (管账不管钱, 管钱不管账)",
        certainty=Certainty.REPORTED,
        group=_("Approvals"),
        description=_("Each group lists duties one person may not hold together on the same document."),
    ),
)
