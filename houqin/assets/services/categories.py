"""The asset classification: importing the national tree, schools' own sub-categories, and the
traits a class passes down to the cards classified under it."""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from houqin.core.models import ChangeAction
from houqin.core.permissions import model_perm
from houqin.core.rulebook import RULES, rule
from houqin.core.services.changelog import changelog_record, snapshot
from houqin.core.services.objects import object_delete

from ..models import AssetCategory, LegacyCategoryCode
from ..models.categories import MAX_DEPTH
from .common import require

LIVES_RULE = "assets.depreciation_lives"
SHIPPED_FILE = Path(__file__).resolve().parent.parent / "data" / "categories.csv"
NATIONAL_CODE_RE = re.compile(r"^A\d{8}$")
LEGACY_CODE_RE = re.compile(r"^\d{7}$")
SLUG_RE = re.compile(r"^[a-z0-9_]*$")
COLUMNS = (
    "code",
    "name",
    "unit",
    "depreciation_class",
    "kind_key",
    "special_equipment",
    "bulk_like",
    "verified",
    "legacy_codes",
)
REQUIRED_COLUMNS = ("code", "name")
YES = {"1", "yes", "y", "true", "是"}
NO = {"", "0", "no", "n", "false", "否"}
UPDATED_FIELDS = (
    "name",
    "unit",
    "depreciation_class",
    "kind_key",
    "special_equipment",
    "bulk_like",
    "verified",
)


# ---------------------------------------------------------------------------------------------
# Traits: what a class passes down


@dataclass(frozen=True)
class CategoryTraits:
    """A class with what it inherits from the classes above it.

    `names` are the codes and rule-book kind keys of the class and its ancestors: a rule-book
    list naming "vehicles" or "A02030000" applies to every class under it.
    """

    category: AssetCategory
    lineage: tuple
    unit: str
    depreciation_class: str
    names: frozenset
    special_equipment: bool
    bulk_like: bool

    def matches(self, listed):
        return bool(self.names.intersection(str(x) for x in (listed or ())))


def category_lineage(category):
    """The class and its ancestors, the root first."""
    chain = [category]
    node = category
    while node.parent_id is not None and len(chain) <= MAX_DEPTH + 1:
        node = node.parent
        chain.append(node)
    return tuple(reversed(chain))


def category_traits(category):
    lineage = category_lineage(category)
    unit, depreciation_class = "", ""
    names = set()
    for node in lineage:
        unit = node.unit or unit
        depreciation_class = node.depreciation_class or depreciation_class
        names.add(node.code)
        if node.kind_key:
            names.add(node.kind_key)
    return CategoryTraits(
        category=category,
        lineage=lineage,
        unit=unit,
        depreciation_class=depreciation_class,
        names=frozenset(names),
        special_equipment=any(n.special_equipment for n in lineage),
        bulk_like=any(n.bulk_like for n in lineage),
    )


def depreciation_classes(school=None):
    """The rows of the life table in force at `school` (the national one when None)."""
    return rule(LIVES_RULE, school) if school is not None else RULES[LIVES_RULE].default


# ---------------------------------------------------------------------------------------------
# Import of the national tree


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    legacy_codes: int = 0
    codes: list = field(default_factory=list)


def national_level(code):
    """1 for a 门类 (A05000000) … 4 for a 品目 (A05010304): the depth of the last non-zero pair."""
    pairs = [code[i : i + 2] for i in range(1, 9, 2)]
    level = 1
    for i, pair in enumerate(pairs[1:], start=2):
        if pair != "00":
            level = i
    return level


def national_parent_code(code):
    """The code of the class above: the last non-zero pair set to 00 (None for a 门类)."""
    level = national_level(code)
    if level == 1:
        return None
    digits = code[1:]
    keep = (level - 1) * 2
    return "A" + digits[:keep] + "0" * (8 - keep)


def _flag(value, row_errors, column):
    text = (value or "").strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    row_errors.append(_("%(column)s must be yes or no.") % {"column": column})
    return False


def _read_text(source):
    if isinstance(source, str | Path):
        return Path(source).read_text(encoding="utf-8-sig")
    data = source.read()
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": _("The file is not UTF-8 text.")})
    return data.lstrip("\ufeff")


def _parse(text):
    """Rows of the file as dicts, each with its line number; comment lines start with #."""
    lines = [
        (n, line) for n, line in enumerate(text.splitlines(), start=1) if not line.lstrip().startswith("#")
    ]
    lines = [(n, line) for n, line in lines if line.strip()]
    if not lines:
        raise ValidationError({"file": _("The file has no rows.")})
    reader = csv.reader(io.StringIO("\n".join(line for _n, line in lines)))
    rows = list(reader)
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            {"file": _("The header lacks the columns: %(cols)s.") % {"cols": ", ".join(missing)}}
        )
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise ValidationError({"file": _("Unknown columns: %(cols)s.") % {"cols": ", ".join(unknown)}})
    out = []
    for (number, _line), values in zip(lines[1:], rows[1:], strict=False):
        record = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
        if len(values) > len(header):
            record["__extra__"] = True
        out.append((number, record))
    return out


def _legacy(text, row_errors):
    """ "2010000 计算机设备及软件|2020000 办公设备" -> [(code, name)]."""
    out = []
    for part in (text or "").split("|"):
        part = part.strip()
        if not part:
            continue
        code, _sep, name = part.partition(" ")
        if not LEGACY_CODE_RE.match(code):
            row_errors.append(_("%(code)s is not a 7-digit 2010 code.") % {"code": code})
            continue
        out.append((code, name.strip()))
    return out


def category_import(source=SHIPPED_FILE, *, actor=None):
    """Load national classes from a CSV file (the shipped one by default): all rows or none.

    Columns: code (A + 8 digits), name, unit, depreciation_class (a row of the rule book's life
    table), kind_key (the name rule-book lists use), special_equipment, bulk_like, verified
    (yes/no), legacy_codes ("2010000 计算机设备及软件|…", the 2010 codes now in this class). Lines
    starting with # are comments. The parent of a class follows from its code, and must be in
    the file or already loaded. A class already there is updated. Any bad row refuses the whole
    file with a message per row ("Row 12: …"); `houqin import_categories FILE` calls this.
    """
    text = _read_text(source)
    rows = _parse(text)
    lives = depreciation_classes()
    errors = []
    parsed = {}
    legacy_seen = {}
    for number, record in rows:
        row_errors = []
        if record.get("__extra__"):
            row_errors.append(_("more values than columns."))
        code = record.get("code", "")
        name = record.get("name", "")
        if not NATIONAL_CODE_RE.match(code):
            row_errors.append(_("the code %(code)s is not A followed by 8 digits.") % {"code": code or "—"})
        elif code in parsed:
            row_errors.append(_("the code %(code)s appears twice.") % {"code": code})
        if not name:
            row_errors.append(_("the name is empty."))
        elif len(name) > 100:
            row_errors.append(_("the name is longer than 100 characters."))
        depreciation_class = record.get("depreciation_class", "")
        if depreciation_class and depreciation_class not in lives:
            row_errors.append(
                _("%(cls)s is not a row of the rule book's table of depreciation lives.")
                % {"cls": depreciation_class}
            )
        kind_key = record.get("kind_key", "")
        if not SLUG_RE.match(kind_key):
            row_errors.append(_("the kind %(kind)s may hold only a-z, 0-9 and _.") % {"kind": kind_key})
        if len(record.get("unit", "")) > 10:
            row_errors.append(_("the unit is longer than 10 characters."))
        item = {
            "name": name,
            "unit": record.get("unit", ""),
            "depreciation_class": depreciation_class,
            "kind_key": kind_key,
            "special_equipment": _flag(record.get("special_equipment"), row_errors, "special_equipment"),
            "bulk_like": _flag(record.get("bulk_like"), row_errors, "bulk_like"),
            "verified": _flag(record.get("verified"), row_errors, "verified"),
        }
        legacy = _legacy(record.get("legacy_codes", ""), row_errors)
        for legacy_code, _legacy_name in legacy:
            if legacy_code in legacy_seen:
                row_errors.append(
                    _("the 2010 code %(code)s is already mapped in row %(row)s.")
                    % {"code": legacy_code, "row": legacy_seen[legacy_code]}
                )
            legacy_seen[legacy_code] = number
        if row_errors:
            errors.extend(_("Row %(row)s: %(msg)s") % {"row": number, "msg": m} for m in row_errors)
            continue
        parsed[code] = (number, item, legacy)
    if not errors:
        existing = set(AssetCategory.objects.filter(school__isnull=True).values_list("code", flat=True))
        for code, (number, _item, _legacy_codes) in parsed.items():
            parent = national_parent_code(code)
            if parent is not None and parent not in parsed and parent not in existing:
                errors.append(
                    _("Row %(row)s: the class above it, %(parent)s, is neither in the file nor loaded.")
                    % {"row": number, "parent": parent}
                )
    if errors:
        raise ValidationError({"file": errors})
    result = ImportResult()
    with transaction.atomic():
        by_code = {c.code: c for c in AssetCategory.objects.select_for_update().filter(school__isnull=True)}
        for code in sorted(parsed, key=lambda c: (national_level(c), c)):
            _number, item, legacy = parsed[code]
            parent_code = national_parent_code(code)
            parent = by_code.get(parent_code) if parent_code else None
            current = by_code.get(code)
            if current is None:
                current = AssetCategory(code=code, level=national_level(code), parent=parent, **item)
                current.save()
                changelog_record(actor=actor, obj=current, action=ChangeAction.CREATE)
                by_code[code] = current
                result.created += 1
            else:
                before = snapshot(current)
                changed = [k for k, v in item.items() if getattr(current, k) != v]
                if current.parent_id != (parent.pk if parent else None):
                    current.parent = parent
                    changed.append("parent")
                if changed:
                    for key, value in item.items():
                        setattr(current, key, value)
                    current.save()
                    changelog_record(actor=actor, obj=current, action=ChangeAction.UPDATE, before=before)
                    result.updated += 1
                else:
                    result.unchanged += 1
            result.codes.append(code)
            for legacy_code, legacy_name in legacy:
                LegacyCategoryCode.objects.update_or_create(
                    code=legacy_code, defaults={"name": legacy_name, "category": current}
                )
                result.legacy_codes += 1
    return result


def category_for_legacy_code(code):
    """The 2022 class a 2010 code (from an old ledger) now belongs to, or None."""
    row = LegacyCategoryCode.objects.select_related("category").filter(code=(code or "").strip()).first()
    return row.category if row else None


# ---------------------------------------------------------------------------------------------
# A school's own sub-categories


def _check_national(actor, instance):
    if instance.school_id is None and actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("The national classification is changed by importing the standard's table."))


def _class_errors(data, school, errors):
    depreciation_class = (data.get("depreciation_class") or "").strip()
    if depreciation_class and depreciation_class not in depreciation_classes(school):
        errors["depreciation_class"] = _(
            "%(cls)s is not a row of the rule book's table of depreciation lives at %(school)s."
        ) % {"cls": depreciation_class, "school": school}
    kind_key = (data.get("kind_key") or "").strip()
    if not SLUG_RE.match(kind_key):
        errors["kind_key"] = _("Use only a-z, 0-9 and _.")


def _next_code(parent, school):
    taken = set(
        AssetCategory.objects.filter(school=school, code__startswith=f"{parent.code}-").values_list(
            "code", flat=True
        )
    )
    n = 1
    while f"{parent.code}-{n:02d}" in taken:
        n += 1
    return f"{parent.code}-{n:02d}"


def category_create(*, actor, school, data, model=AssetCategory):
    """A sub-category a school (or a central school, for all its schools) adds under a class it
    can see. It inherits the parent's unit and flags unless given; the code is the parent's with
    a running suffix (A05010304-01) unless given."""
    require(actor, model_perm(AssetCategory, "add"), school)
    errors = {}
    parent = data.get("parent")
    if parent is None:
        errors["parent"] = _("Choose the class it belongs under.")
    elif not AssetCategory.objects.available_to(school).filter(pk=parent.pk).exists():
        errors["parent"] = _("%(obj)s belongs to another school.") % {"obj": parent}
    elif parent.level >= MAX_DEPTH:
        errors["parent"] = _("No further levels can be added under %(obj)s.") % {"obj": parent}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    _class_errors(data, school, errors)
    if errors:
        raise ValidationError(errors)
    traits = category_traits(parent)
    code = (data.get("code") or "").strip() or _next_code(parent, school)
    category = AssetCategory(
        school=school,
        parent=parent,
        code=code,
        name=name,
        level=parent.level + 1,
        unit=(data.get("unit") or "").strip() or traits.unit,
        depreciation_class=(data.get("depreciation_class") or "").strip(),
        kind_key=(data.get("kind_key") or "").strip(),
        special_equipment=data.get("special_equipment", traits.special_equipment),
        bulk_like=data.get("bulk_like", traits.bulk_like),
        is_active=data.get("is_active", True),
    )
    category.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            category.save()
            changelog_record(actor=actor, obj=category, action=ChangeAction.CREATE)
    except IntegrityError:
        raise ValidationError(
            {"code": _("%(code)s is already used at %(school)s.") % {"code": code, "school": school}}
        )
    return category


EDITABLE = ("name", "unit", "depreciation_class", "kind_key", "special_equipment", "bulk_like", "is_active")


def category_update(*, actor, instance, data):
    """Change a school's own sub-category (its place in the tree and its code stay)."""
    _check_national(actor, instance)
    if instance.school_id is not None:
        require(actor, model_perm(AssetCategory, "change"), instance.school)
    errors = {}
    if "name" in data and not (data.get("name") or "").strip():
        errors["name"] = _("This field is required.")
    _class_errors(data, instance.school, errors)
    if errors:
        raise ValidationError(errors)
    before = snapshot(instance)
    for key in EDITABLE:
        if key in data:
            value = data[key]
            setattr(instance, key, value.strip() if isinstance(value, str) else value)
    instance.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        instance.save()
        changelog_record(actor=actor, obj=instance, action=ChangeAction.UPDATE, before=before)
    return instance


def category_delete(*, actor, instance):
    """Remove a school's own sub-category no card or sub-category uses."""
    _check_national(actor, instance)
    if instance.school_id is not None:
        require(actor, model_perm(AssetCategory, "delete"), instance.school)
    object_delete(actor=actor, instance=instance)
