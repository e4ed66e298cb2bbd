"""Rule-book entries of repairs and inspections: the targets each school sets for itself.

None of these numbers is national: the schools' own documents say only that the worker comes
when called (随叫随到) and faults are fixed promptly. The defaults are examples (LOCAL); a district
or school overrides them in the rule book.
"""

from django.utils.translation import gettext_lazy as _

from houqin.core.rulebook import GROUPS, Certainty, Kind, RuleDef, define

# The rule book's groups are a fixed list in core; this app's group joins it here.
GROUPS.setdefault("maintenance", _("Repairs and inspections"))

SOURCE_LOCAL = (
    "学校后勤工作总结/工作计划 (../shared/sources): 随叫随到、发现问题及时处理; targets set by each school"
)

RESPONSE_HOURS = "maintenance.response_hours"
REPEAT_FAILURE = "maintenance.repeat_failure"
ANONYMOUS_LIMITS = "maintenance.anonymous_report_limits"
CONFIRM_DAYS = "maintenance.confirm_days"
INSPECTION_GRACE_DAYS = "maintenance.inspection_grace_days"

define(
    RuleDef(
        key=RESPONSE_HOURS,
        name=_("Repair time targets by urgency"),
        kind=Kind.JSON,
        default={"emergency": 2, "urgent": 24, "normal": 72, "low": 168},
        unit=_("hours"),
        source=SOURCE_LOCAL,
        certainty=Certainty.LOCAL,
        description=_(
            "Hours from the report to the finished repair, by urgency. A work order's due time is "
            "the report time plus the hours of its urgency."
        ),
        extra={"min": 1, "max": 24 * 90},
    ),
    RuleDef(
        key=REPEAT_FAILURE,
        name=_("Repeated failures: how many reports in how many days"),
        kind=Kind.JSON,
        default={"count": 3, "days": 30},
        source=SOURCE_LOCAL,
        certainty=Certainty.LOCAL,
        description=_(
            "A room or an asset with at least this many repair reports within this many days is "
            "flagged as failing repeatedly."
        ),
        extra={"min": 2, "max": 3650},
    ),
    RuleDef(
        key=ANONYMOUS_LIMITS,
        name=_("Reports without login: limits against abuse"),
        kind=Kind.JSON,
        default={"per_ip": 20, "per_room": 5, "minutes": 60},
        source=_("Houqin default: a school network shares one address, so the limit per address is generous"),
        certainty=Certainty.LOCAL,
        description=_(
            "At most this many reports through a room's QR code without login from one network "
            "address, and for one room, within this many minutes."
        ),
        extra={"min": 1, "max": 10000},
    ),
    RuleDef(
        key=CONFIRM_DAYS,
        name=_("Days the reporter has to confirm a repair"),
        kind=Kind.INTEGER,
        default=3,
        unit=_("days"),
        source=SOURCE_LOCAL,
        certainty=Certainty.LOCAL,
        description=_(
            "A completed repair the reporter neither confirms nor reopens within this many days is "
            "closed without confirmation."
        ),
        extra={"min": 1, "max": 60},
    ),
    RuleDef(
        key=INSPECTION_GRACE_DAYS,
        name=_("Days after its date an inspection round may still be done"),
        kind=Kind.INTEGER,
        default=1,
        unit=_("days"),
        source=_("学校后勤工作总结: 每周五校园校舍全面检查; 每周一教室、宿舍设施检查"),
        certainty=Certainty.LOCAL,
        description=_(
            "A weekly or monthly round not completed by the end of this many days after its date "
            "is flagged as missed. A round before the semester is due the day before it starts."
        ),
        extra={"min": 0, "max": 14},
    ),
)
