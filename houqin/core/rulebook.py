"""The rule book: every number the schools are held to, with its national default and source.

Code reads a rule only through `rule(key, school)`; the value is the override of the nearest
node on the path from the root to `school`, or the national default. Definitions are data
(RuleDef, in rulebook_defaults.py), overrides are rows (RuleOverride) edited by administrators
through houqin.core.services.rules and change-logged.

Resolved values are cached in Django's cache under a version number that every override
change bumps, so a change is seen at once by every process sharing the cache (Redis), and by
the changing process itself with the local-memory cache; other processes on a local-memory
cache see it after CACHE_SECONDS at most.

Importing this module only defines things (the catalogue included); it touches neither the
database nor the cache.
"""

import copy
import json
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
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
    TEXT = "text"  # a short code or text (optionally one of extra["choices"])
    JSON = "json"  # a table: bands, lists, per-category lives

    CHOICES = [
        (DECIMAL, _("Decimal number")),
        (INTEGER, _("Whole number")),
        (BOOLEAN, _("Yes/no")),
        (TEXT, _("Text")),
        (JSON, _("Table")),
    ]


# The groups of the catalogue, in display order; a rule's group is the first part of its key.
GROUPS = {
    "assets": _("Assets"),
    "procurement": _("Procurement"),
    "approval": _("Approvals"),
    "canteen": _("Canteen and food safety"),
    "safety": _("Safety"),
    "health": _("Health and epidemic prevention"),
    "finance": _("Finance, fees and subsidies"),
    "facilities": _("Facilities"),
}

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
TEXT_MAX_LENGTH = 200


@dataclass(frozen=True)
class RuleDef:
    """One rule: a stable dotted key, its national default and where that default comes from.

    extra may hold: "min"/"max" (numbers, also applied to every number of a table), "places"
    (decimal places of a DECIMAL), "choices" (allowed TEXT values), "open_keys" (a JSON table
    whose keys may differ from the default's, e.g. categories a region adds), "shape" (the
    template a JSON value is checked against instead of the default), "allow_empty",
    "ascending" (the field of a list of bands that must grow; null only last), "field_choices"
    (allowed values of a field of every record of a list), "le" (pairs of fields of a JSON
    record where the first may not exceed the second).
    """

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

    @property
    def group_code(self):
        return self.key.split(".", 1)[0]

    @property
    def group_label(self):
        return GROUPS.get(self.group_code, self.group)

    @property
    def certainty_label(self):
        return dict(Certainty.CHOICES).get(self.certainty, self.certainty)

    @property
    def kind_label(self):
        return dict(Kind.CHOICES).get(self.kind, self.kind)


RULES: dict[str, RuleDef] = {}

# How a yes/no rule may be written in a form or an API call.
TRUE_WORDS = {"true", "1", "yes", "on", "y"}
FALSE_WORDS = {"false", "0", "no", "off", "n"}


def define(*defs: RuleDef):
    """Add definitions to the catalogue; a malformed definition fails at import, not in use."""
    for d in defs:
        if d.key in RULES:
            raise ValueError(f"rule {d.key} defined twice")
        if not KEY_RE.match(d.key) or d.group_code not in GROUPS:
            raise ValueError(f"rule key {d.key!r} must be dotted and start with one of {sorted(GROUPS)}")
        if d.kind not in dict(Kind.CHOICES):
            raise ValueError(f"rule {d.key}: unknown kind {d.kind!r}")
        if d.certainty not in dict(Certainty.CHOICES):
            raise ValueError(f"rule {d.key}: unknown certainty {d.certainty!r}")
        try:
            validate_value(d, d.default)
        except ValidationError as exc:
            raise ValueError(f"rule {d.key}: the default is not valid: {exc.messages}") from exc
        RULES[d.key] = d


def coerce(definition: RuleDef, value):
    """Turn a stored value into the rule's Python type (Decimal for money and rates).

    Tables are copied, so a caller that changes what it got cannot change the rule.
    """
    if value is None:
        return None
    if definition.kind == Kind.DECIMAL:
        return Decimal(str(value))
    if definition.kind == Kind.INTEGER:
        return int(value)
    if definition.kind == Kind.BOOLEAN:
        if isinstance(value, str):
            return value.strip().lower() in TRUE_WORDS
        return bool(value)
    if definition.kind == Kind.TEXT:
        return str(value)
    return copy.deepcopy(value)


# ---------------------------------------------------------------------------------------------
# Validation of values by kind


def _error(message):
    return ValidationError({"value": [message]})


def _check_range(definition, number):
    low, high = definition.extra.get("min"), definition.extra.get("max")
    if low is not None and number < Decimal(str(low)):
        raise _error(gettext("The value may not be less than %(min)s.") % {"min": low})
    if high is not None and number > Decimal(str(high)):
        raise _error(gettext("The value may not be more than %(max)s.") % {"max": high})


def _validate_decimal(definition, raw):
    if isinstance(raw, bool) or raw is None or isinstance(raw, list | dict):
        raise _error(gettext("Enter a number."))
    text = str(raw).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _error(gettext("Enter a number."))
    if not number.is_finite():
        raise _error(gettext("Enter a number."))
    places = definition.extra.get("places")
    if places is not None:
        if number.as_tuple().exponent < -places:
            raise _error(gettext("Use at most %(places)s decimal places.") % {"places": places})
        number = number.quantize(Decimal(1).scaleb(-places))
    _check_range(definition, number)
    return str(number)


def _validate_integer(definition, raw):
    if isinstance(raw, bool) or raw is None:
        raise _error(gettext("Enter a whole number."))
    if isinstance(raw, int):
        number = raw
    elif (
        isinstance(raw, float)
        and raw.is_integer()
        or isinstance(raw, str)
        and re.fullmatch(r"\s*[+-]?\d+\s*", raw)
    ):
        number = int(raw)
    else:
        raise _error(gettext("Enter a whole number."))
    _check_range(definition, Decimal(number))
    return number


def _validate_boolean(definition, raw):
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise _error(gettext("Choose yes or no."))


def _validate_text(definition, raw):
    if not isinstance(raw, str) or not raw.strip():
        raise _error(gettext("Enter a text."))
    text = raw.strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise _error(gettext("Use at most %(n)s characters.") % {"n": TEXT_MAX_LENGTH})
    choices = definition.extra.get("choices")
    if choices and text not in choices:
        raise _error(gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
    return text


FAMILY_LABELS = {
    "null": _("empty"),
    "boolean": _("yes/no"),
    "number": _("a number"),
    "text": _("a text"),
    "list": _("a list"),
    "table": _("a table of named values"),
}


def _family(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


def _where(path):
    return path or gettext("the value")


def _type_error(path, expected, got):
    return gettext("%(where)s: expected %(expected)s, got %(got)s.") % {
        "where": _where(path),
        "expected": " / ".join(str(FAMILY_LABELS.get(f, f)) for f in sorted(expected)),
        "got": FAMILY_LABELS.get(got, got),
    }


def check_shape(template, value, *, open_keys=False, allow_empty=False, path=""):
    """Messages saying where `value` does not have the shape of `template` (empty when it has).

    Same type everywhere; a table has the template's keys (any keys with open_keys, each value
    shaped like the template's values); a list's items are shaped like the template's items,
    and a list of records has the same keys in every record, a field being empty only where
    the template has an empty field.
    """
    tf, vf = _family(template), _family(value)
    if tf == "null":
        return []
    if tf != vf:
        return [_type_error(path, {tf}, vf)]
    errors = []
    if tf == "table":
        if open_keys:
            if not value and template and not allow_empty:
                return [gettext("%(where)s: may not be empty.") % {"where": _where(path)}]
            families = {_family(v) for v in template.values()}
            proto = next(iter(template.values()), None)
            for k, v in value.items():
                sub = f"{path} → {k}" if path else str(k)
                if _family(v) not in families and "null" not in families:
                    errors.append(_type_error(sub, families, _family(v)))
                elif _family(proto) in ("list", "table"):
                    errors.extend(check_shape(proto, v, path=sub))
            return errors
        missing = [k for k in template if k not in value]
        unknown = [k for k in value if k not in template]
        if missing:
            errors.append(
                gettext("%(where)s: missing %(keys)s.") % {"where": _where(path), "keys": ", ".join(missing)}
            )
        if unknown:
            errors.append(
                gettext("%(where)s: unknown %(keys)s.") % {"where": _where(path), "keys": ", ".join(unknown)}
            )
        for k in template:
            if k in value:
                errors.extend(check_shape(template[k], value[k], path=f"{path} → {k}" if path else str(k)))
        return errors
    if tf == "list":
        if not template:
            return []
        if not value and not allow_empty:
            return [gettext("%(where)s: may not be empty.") % {"where": _where(path)}]
        if all(isinstance(item, dict) for item in template):
            keys = list(template[0])
            allowed = {k: {_family(item.get(k)) for item in template} for k in keys}
            protos = {k: next((item[k] for item in template if item.get(k) is not None), None) for k in keys}
            for i, item in enumerate(value, start=1):
                sub = f"{path} #{i}" if path else f"#{i}"
                if not isinstance(item, dict):
                    errors.append(_type_error(sub, {"table"}, _family(item)))
                    continue
                missing = [k for k in keys if k not in item]
                unknown = [k for k in item if k not in keys]
                if missing:
                    errors.append(
                        gettext("%(where)s: missing %(keys)s.") % {"where": sub, "keys": ", ".join(missing)}
                    )
                if unknown:
                    errors.append(
                        gettext("%(where)s: unknown %(keys)s.") % {"where": sub, "keys": ", ".join(unknown)}
                    )
                for k in keys:
                    if k not in item:
                        continue
                    fam = _family(item[k])
                    if fam not in allowed[k]:
                        errors.append(_type_error(f"{sub} → {k}", allowed[k], fam))
                    elif fam in ("list", "table"):
                        errors.extend(check_shape(protos[k], item[k], path=f"{sub} → {k}"))
            return errors
        proto = template[0]
        for i, item in enumerate(value, start=1):
            errors.extend(check_shape(proto, item, path=f"{path} #{i}" if path else f"#{i}"))
        return errors
    return []


def _numbers(value):
    """Every number inside a JSON value."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)


def _validate_json(definition, raw):
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise _error(
                gettext("This is not valid JSON (line %(line)s, column %(col)s): %(msg)s.")
                % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
            )
    try:
        # Only what JSON can hold (no NaN), so the stored value reads back the same.
        value = json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError):
        raise _error(gettext("This value cannot be stored as JSON."))
    extra = definition.extra
    template = extra.get("shape", definition.default)
    errors = check_shape(
        template, value, open_keys=extra.get("open_keys", False), allow_empty=extra.get("allow_empty", False)
    )
    if not errors:
        errors = _table_rules(definition, value)
    if errors:
        raise ValidationError({"value": errors})
    return value


def _table_rules(definition, value):
    extra = definition.extra
    errors = []
    low, high = extra.get("min"), extra.get("max")
    for number in _numbers(value):
        if low is not None and number < low:
            errors.append(gettext("Numbers in this table may not be less than %(min)s.") % {"min": low})
            break
        if high is not None and number > high:
            errors.append(gettext("Numbers in this table may not be more than %(max)s.") % {"max": high})
            break
    band_field = extra.get("ascending")
    if band_field and isinstance(value, list):
        limits = [item.get(band_field) for item in value]
        if any(v is None for v in limits[:-1]):
            errors.append(gettext("Only the last band may have no upper limit."))
        given = [v for v in limits if v is not None]
        if any(b <= a for a, b in zip(given, given[1:], strict=False)):
            errors.append(
                gettext("The values of “%(field)s” must grow from band to band.") % {"field": band_field}
            )
    for name, allowed in extra.get("field_choices", {}).items():
        for i, item in enumerate(value if isinstance(value, list) else [], start=1):
            if isinstance(item, dict) and item.get(name) not in allowed:
                errors.append(
                    gettext("#%(i)s → %(field)s: choose one of %(choices)s.")
                    % {"i": i, "field": name, "choices": ", ".join(repr(c) for c in allowed)}
                )
    for a, b in extra.get("le", ()):
        pair = (value.get(a), value.get(b)) if isinstance(value, dict) else (None, None)
        if None not in pair and pair[0] > pair[1]:
            errors.append(gettext("“%(a)s” may not exceed “%(b)s”.") % {"a": a, "b": b})
    return errors


VALIDATORS = {
    Kind.DECIMAL: _validate_decimal,
    Kind.INTEGER: _validate_integer,
    Kind.BOOLEAN: _validate_boolean,
    Kind.TEXT: _validate_text,
    Kind.JSON: _validate_json,
}


def validate_value(definition: RuleDef, raw):
    """The value to store for `raw` (text from a form, or JSON data from the API).

    Raises ValidationError keyed by "value" when it does not fit the rule's kind and shape.
    """
    return VALIDATORS[definition.kind](definition, raw)


def _in_template_order(template, value):
    """`value` with its keys in the order of the default's (PostgreSQL's jsonb sorts them)."""
    if isinstance(template, dict) and isinstance(value, dict):
        keys = [k for k in template if k in value] + [k for k in value if k not in template]
        proto = next(iter(template.values()), None)
        return {k: _in_template_order(template.get(k, proto), value[k]) for k in keys}
    if isinstance(template, list) and isinstance(value, list) and template:
        return [_in_template_order(template[0], v) for v in value]
    return value


def format_value(definition: RuleDef, value, *, pretty=False):
    """A value as people read it (and as the edit form shows it)."""
    if value is None:
        return ""
    if definition.kind == Kind.BOOLEAN:
        return str(_("Yes")) if coerce(definition, value) else str(_("No"))
    if definition.kind == Kind.JSON:
        value = _in_template_order(definition.extra.get("shape", definition.default), value)
        if pretty:
            return json.dumps(value, ensure_ascii=False, indent=2)
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(coerce(definition, value))


# ---------------------------------------------------------------------------------------------
# Reading, with the cache

CACHE_PREFIX = "houqin:rulebook"
VERSION_KEY = f"{CACHE_PREFIX}:version"
CACHE_SECONDS = 300


def _fresh_version():
    # A clock value, not 1: after the version key is lost (a Redis restart) old entries that
    # might survive cannot be mistaken for current ones.
    return int(time.time() * 1000)


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), None)
        version = cache.get(VERSION_KEY)
    return version


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _fresh_version(), None)


def rules_changed():
    """Forget every cached value: now, and again when the transaction commits (a reader
    inside the transaction may have cached a value the commit changes)."""
    _bump()
    transaction.on_commit(_bump)


def _stored_override(key, school):
    from .models import RuleOverride

    return (
        RuleOverride.objects.filter(key=key, school__path__in=school.ancestor_paths())
        .order_by("-school__depth")
        .values_list("value", flat=True)
        .first()
    )


def rule(key: str, school=None):
    """The value of rule `key` in force at `school` (national default when school is None)."""
    definition = RULES[key]
    if school is None:
        return coerce(definition, definition.default)
    cache_key = f"{CACHE_PREFIX}:{_version()}:{key}:{school.path}"
    hit = cache.get(cache_key)
    if hit is None:
        stored = _stored_override(key, school)
        # A tuple, so "no override" is cached too (None would read as a miss).
        hit = (stored is not None, stored)
        cache.set(cache_key, hit, CACHE_SECONDS)
    overridden, stored = hit
    return coerce(definition, stored if overridden else definition.default)


# The definitions themselves live in rulebook_defaults.py, grouped by domain.
from . import rulebook_defaults  # noqa: E402,F401
