"""Reads of the rule book for pages, API and reports: what is in force at a node and why.

The value in force is resolved exactly as `rulebook.rule()` resolves it (the override of the
nearest node on the path from the root, else the national default), for all rules at once.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from ..models import ChangeLogEntry, RuleOverride, School
from ..rulebook import GROUPS, RULES, RuleDef, coerce, format_value, validate_value


@dataclass
class RuleRow:
    """One rule as seen from a node."""

    definition: RuleDef
    stored: Any  # the value in force in its stored (JSON) form
    origin: School | None  # the node whose override is in force; None = the national default
    override_here: RuleOverride | None  # the node's own override, if any

    @property
    def key(self):
        return self.definition.key

    @property
    def value(self):
        return coerce(self.definition, self.stored)

    @property
    def display(self):
        return format_value(self.definition, self.stored)

    @property
    def national_default(self):
        return stored_default(self.definition)


def stored_default(definition):
    """The national default in the form an override is stored in (a Decimal as its string)."""
    return validate_value(definition, definition.default)


def _path_overrides(scope, keys=None):
    """{key: [override, …]} of the nodes on the path from the root to `scope`, nearest last."""
    qs = RuleOverride.objects.filter(school__path__in=scope.ancestor_paths()).select_related("school")
    if keys is not None:
        qs = qs.filter(key__in=keys)
    result = {}
    for override in sorted(qs, key=lambda o: o.school.depth):
        result.setdefault(override.key, []).append(override)
    return result


def _row(definition, overrides, scope):
    nearest = overrides[-1] if overrides else None
    return RuleRow(
        definition=definition,
        stored=nearest.value if nearest is not None else stored_default(definition),
        origin=nearest.school if nearest is not None else None,
        override_here=nearest if nearest is not None and nearest.school_id == scope.pk else None,
    )


def _matches(definition, text):
    text = text.casefold()
    haystack = (
        definition.key,
        str(definition.name),
        str(definition.description),
        str(definition.source),
        str(definition.unit),
    )
    return any(text in part.casefold() for part in haystack)


def rule_list(*, scope, group=None, q=None):
    """Every rule (of `group`, matching the text `q`) with the value in force at `scope`,
    in catalogue order grouped by group. Two queries whatever the number of rules."""
    definitions = [
        d
        for d in RULES.values()
        if (not group or d.group_code == group) and (not q or _matches(d, q.strip()))
    ]
    order = {code: i for i, code in enumerate(GROUPS)}
    definitions.sort(key=lambda d: order.get(d.group_code, len(order)))
    overrides = _path_overrides(scope, keys=[d.key for d in definitions])
    return [_row(d, overrides.get(d.key, []), scope) for d in definitions]


def rule_row(*, key, scope):
    """One rule with the value in force at `scope` (KeyError for an unknown key)."""
    definition = RULES[key]
    return _row(definition, _path_overrides(scope, keys=[key]).get(key, []), scope)


def rule_path(*, key, scope):
    """[(node, override or None)] from the root to `scope`: where the value in force comes from."""
    nodes = list(School.objects.ancestors_of(scope))
    by_school = {o.school_id: o for o in _path_overrides(scope, keys=[key]).get(key, [])}
    return [(node, by_school.get(node.pk)) for node in nodes]


def rule_overrides_below(*, key, scope, user):
    """Overrides of `key` at nodes below `scope` that `user` may see (a district's schools)."""
    return (
        RuleOverride.objects.for_user(user)
        .filter(key=key, school__path__startswith=scope.path)
        .exclude(school=scope)
        .select_related("school")
        .order_by("school__path")
    )


def rule_history(*, key, scope, user):
    """Change-log entries of the overrides of `key` on the path to `scope` and, among the nodes
    `user` may see, below it; newest first. Other schools' entries never appear."""
    entries = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(RuleOverride), object_repr__startswith=f"{key} @ "
    )
    ancestor_ids = list(School.objects.ancestors_of(scope).values_list("id", flat=True))
    below = entries.for_user(user).filter(school__path__startswith=scope.path)
    return (
        entries.filter(Q(school_id__in=ancestor_ids) | Q(pk__in=below.values("pk")))
        .select_related("actor", "school")
        .order_by("-time", "-id")
    )
