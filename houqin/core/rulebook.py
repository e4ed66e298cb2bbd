"""The rule book: every number the schools are held to, with its national default and source.

Code reads a rule only through `rule(key, school)`; the value is the override of the nearest
node on the path from the root to `school`, or the national default. Definitions are data
(RuleDef), overrides are rows (RuleOverride) edited by administrators and change-logged.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _


class Certainty:
    """How sure the default is (the tags of DOMAIN.md)."""

    VERBATIM = "verbatim"  # [原文] checked against the regulation text
    REPORTED = "reported"  # [转述] from an official release or a local document quoting it
    UNVERIFIED = "unverified"  # [未核实] background knowledge, configurable default
    LOCAL = "local"  # [地方] differs by province/city/county; the example shows the pattern

    CHOICES = [
        (VERBATIM, _("Checked against the text")),
        (REPORTED, _("Reported")),
        (UNVERIFIED, _("Unverified")),
        (LOCAL, _("Varies locally")),
    ]


class Kind:
    DECIMAL = "decimal"  # money or a rate, kept as a string of a Decimal
    INTEGER = "integer"
    BOOLEAN = "boolean"
    JSON = "json"  # a table: bands, lists, per-category lives

    CHOICES = [
        (DECIMAL, _("Number")),
        (INTEGER, _("Whole number")),
        (BOOLEAN, _("Yes/no")),
        (JSON, _("Table")),
    ]


@dataclass(frozen=True)
class RuleDef:
    key: str
    name: Any
    kind: str
    default: Any
    source: str
    certainty: str
    unit: Any = ""
    group: Any = ""
    description: Any = ""
    extra: dict = field(default_factory=dict)


RULES: dict[str, RuleDef] = {}


def define(*defs: RuleDef):
    for d in defs:
        if d.key in RULES:
            raise ValueError(f"rule {d.key} defined twice")
        RULES[d.key] = d


def coerce(definition: RuleDef, value):
    """Turn a stored value into the rule's Python type (Decimal for money and rates)."""
    if value is None:
        return None
    if definition.kind == Kind.DECIMAL:
        return Decimal(str(value))
    if definition.kind == Kind.INTEGER:
        return int(value)
    if definition.kind == Kind.BOOLEAN:
        return bool(value)
    return value


def rule(key: str, school=None):
    """The value of rule `key` in force at `school` (national default when school is None)."""
    from .models import RuleOverride

    definition = RULES[key]
    if school is not None:
        override = (
            RuleOverride.objects.filter(key=key, school__path__in=school.ancestor_paths())
            .order_by("-school__depth")
            .values_list("value", flat=True)
            .first()
        )
        if override is not None:
            return coerce(definition, override)
    return coerce(definition, definition.default)


# The definitions themselves live in rulebook_defaults.py, grouped by domain.
from . import rulebook_defaults  # noqa: E402,F401
