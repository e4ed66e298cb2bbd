from django import template

from houqin.core.rulebook import RULES

from ..services.common import number_text

register = template.Library()


@register.filter
def qty(value):
    """A quantity as people write it: 48.000 -> 48, 12.500 -> 12.5 (never 4.8E+1)."""
    return number_text(value) if value not in (None, "") else ""


@register.filter
def rule_name(key):
    """The name of a rule of the rule book, in the reader's language (the key if unknown)."""
    definition = RULES.get(key)
    return definition.name if definition is not None else key
