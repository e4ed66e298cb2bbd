"""Setting and clearing a node's override of a rule of the rule book.

Both need `core.manage_rules` at the node, validate the value against the rule's kind and the
shape of its default, and write the change log in the same transaction. The rule cache is
invalidated by the override's save/delete (see houqin.core.models.rules).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import access
from ..models import ChangeAction, RuleOverride
from ..rulebook import RULES, validate_value
from .changelog import changelog_record, snapshot

MANAGE_RULES = "core.manage_rules"
TEXT_FIELDS = {"source": 300, "note": 300}


def _check_permission(actor, school):
    # actor None is the system actor (commands, imports, data set-up), trusted by its caller.
    if actor is not None and not access.has_perm(actor, MANAGE_RULES, school):
        raise PermissionDenied(_("You may not change the rule book at %(school)s.") % {"school": school})


def _definition(key):
    definition = RULES.get(key)
    if definition is None:
        raise ValidationError({"key": _("There is no rule “%(key)s”.") % {"key": key}})
    return definition


def rule_override_set(*, actor, school, key, value, source="", note="") -> RuleOverride:
    """Give `school` (and its subtree, unless a nearer node overrides it) its own value of rule
    `key`. `value` is text from a form or JSON data from the API; it is stored in the rule's
    own form (a Decimal as its string, a table as JSON)."""
    _check_permission(actor, school)
    definition = _definition(key)
    errors = {}
    cleaned = None
    try:
        cleaned = validate_value(definition, value)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    texts = {"source": (source or "").strip(), "note": (note or "").strip()}
    for name, limit in TEXT_FIELDS.items():
        if len(texts[name]) > limit:
            errors[name] = [_("Use at most %(n)s characters.") % {"n": limit}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        override = RuleOverride.objects.select_for_update().filter(school=school, key=key).first()
        if override is None:
            try:
                with transaction.atomic():
                    override = RuleOverride.objects.create(school=school, key=key, value=cleaned, **texts)
            except IntegrityError:
                # Someone created it a moment ago: update theirs instead.
                override = RuleOverride.objects.select_for_update().get(school=school, key=key)
                override.school = school
            else:
                changelog_record(actor=actor, obj=override, action=ChangeAction.CREATE, school=school)
                return override
        else:
            override.school = school  # the same row; spares a query and names it in the log
        before = snapshot(override)
        override.value = cleaned
        override.source = texts["source"]
        override.note = texts["note"]
        override.save(update_fields=["value", "source", "note", "updated_at"])
        changelog_record(actor=actor, obj=override, action=ChangeAction.UPDATE, before=before, school=school)
    return override


def rule_override_clear(*, actor, school, key) -> None:
    """Remove `school`'s own value of rule `key`: the value of the next node up (or the national
    default) is in force again."""
    _check_permission(actor, school)
    _definition(key)
    with transaction.atomic():
        override = RuleOverride.objects.select_for_update().filter(school=school, key=key).first()
        if override is None:
            raise ValidationError(
                {"key": _("%(school)s has no value of its own for this rule.") % {"school": school}}
            )
        override.school = school
        before = snapshot(override)
        pk = override.pk
        override.delete()
        override.pk = pk
        changelog_record(actor=actor, obj=override, action=ChangeAction.DELETE, before=before, school=school)
