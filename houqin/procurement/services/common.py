"""Helpers the purchasing services share: permission checks, parsing of numbers and dates.

Internal to the services package: views, the API and other apps call the public services.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from houqin.core import access
from houqin.core.selectors.org import people_of_school

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


def require(actor, perm, school):
    """PermissionDenied unless the actor holds `perm` at `school` (None, the system, may)."""
    if actor is not None and not access.has_perm(actor, perm, school):
        raise PermissionDenied(_("You may not do this at %(school)s.") % {"school": school})


def invalid(field, message):
    return ValidationError({field or NON_FIELD_ERRORS: [message]})


def today():
    return timezone.localdate()


def money(value):
    return Decimal(value).quantize(CENT)


def to_date(value, field, errors, *, required=False):
    if value in (None, ""):
        if required:
            errors[field] = _("This field is required.")
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("Enter a valid date.")
        return None


def to_decimal(value, *, places, positive=False):
    """A Decimal with at most `places` decimals, or a message saying what is wrong with it."""
    if value in (None, ""):
        return None, _("This field is required.")
    if isinstance(value, bool):
        return None, _("Enter a number.")
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None, _("Enter a number.")
    if not number.is_finite():
        return None, _("Enter a number.")
    if number.as_tuple().exponent < -places:
        return None, _("Use at most %(n)s decimal places.") % {"n": places}
    if number < 0:
        return None, _("The number cannot be negative.")
    if positive and number == 0:
        return None, _("The quantity must be more than zero.")
    if number >= Decimal(10) ** 11:
        return None, _("The number is too large.")
    return number.quantize(Decimal(1).scaleb(-places)), None


def to_money(value):
    return to_decimal(value, places=2)


def to_quantity(value, *, positive=True):
    return to_decimal(value, places=3, positive=positive)


def is_whole(number):
    return number == number.to_integral_value()


def same_school(obj, school):
    return obj is not None and getattr(obj, "school_id", None) == school.pk


def people(users):
    """Distinct people from a list of users (order kept, None dropped)."""
    seen, out = set(), []
    for user in users or ():
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def check_people(users, school, field, errors):
    """Every person must be an active member of the school (or of a node above or below it)."""
    if not users:
        return
    known = set(people_of_school(school).filter(pk__in=[u.pk for u in users]).values_list("pk", flat=True))
    strangers = [str(u) for u in users if u.pk not in known]
    if strangers:
        errors[field] = _("Not a member of %(school)s: %(people)s.") % {
            "school": school,
            "people": ", ".join(strangers),
        }


def line_error(errors, field, number, message):
    """Collect a message about line `number` under `field` ("lines")."""
    errors.setdefault(field, []).append(_("Line %(n)s: %(message)s") % {"n": number, "message": message})


def number_text(value):
    """12.500 -> 12.5, 48.000 -> 48: quantities as people write them."""
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text
