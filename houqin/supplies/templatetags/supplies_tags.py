"""Template filters of the supplies pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def qty(value):
    """A quantity as people write it: 12.500 -> 12.5, 10.000 -> 10 (never 1E+1)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            return value
    text = format(value.normalize(), "f")
    return text
