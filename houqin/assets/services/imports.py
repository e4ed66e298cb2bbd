"""The ledger import (资产台账导入): a school's Excel ledger checked row by row, then registered as
cards in one transaction.

    asset_import_check    read and check a ledger, keep nothing (`houqin import-assets --dry-run`)
    asset_import_upload   the same, kept: the file, its layout, the proposed mapping, the report
    asset_import_remap    another mapping (or the same, to check again): a new dry run
    asset_import_commit   every row registered, or none

A row becomes a card by the rules of `asset_register` (services.assets): the same checks
(card_detail_errors, card_state_errors) and the same values (card_values, event_fields), with the
rule book, the categories and the people read once for the sheet (RegisterContext) instead of
once per card. What the import adds is reading a messy sheet (..ledger_sheet) and matching its
words to the school's categories, rooms, departments and people (Lookups).

Speed and memory (100,000 rows in well under 15 s and 512 MB, bench/assets_import.py): the sheet
is read as a stream and checked row by row; the dry run keeps the rows it read next to the upload
so the commit does not parse the XML again; the commit reserves its card numbers and primary
keys up front (their counts are the dry run's), then writes the cards and events without a
model instance per row (CardWriter: COPY on PostgreSQL, prepared INSERTs on SQLite), all in the
one transaction: a row found wrong rolls everything back. Memory holds a chunk of rows, the
school's look-up tables and the first errors, never the sheet.
"""

import datetime
import os
import re
import tempfile
from collections import Counter, defaultdict
from contextlib import ExitStack, contextmanager
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from houqin.core.models import ChangeAction, Department, Room
from houqin.core.permissions import model_perm
from houqin.core.selectors.org import people_of_school
from houqin.core.services.attachments import clean_file_name
from houqin.core.services.changelog import changelog_record
from houqin.core.services.numbering import (
    document_number_format,
    document_number_last,
    document_numbers_reserve,
)

from .. import ledger_sheet as ls
from ..choices import (
    AcquisitionMethod,
    AssetCondition,
    AssetStatus,
    EventKind,
    FundingSource,
    ProcurementForm,
    Tracking,
    UsePurpose,
)
from ..models import Asset, AssetCategory, AssetEvent, AssetImport, ImportStatus, LegacyCategoryCode
from .assets import TEXT_FIELDS, RegisterContext, card_detail_errors, card_state_errors, card_values
from .bulk import CHUNK_ROWS, CardWriter, Changed, reserve_ids
from .common import ASSET_NUMBER_PREFIX, event_fields, invalid, require
from .search import search_text_for

DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
DEFAULT_KEEP_DAYS = 7  # a checked ledger nobody registered is forgotten after this many days
CACHE_MAX = 200_000  # remembered cell values per kind of look-up; beyond, they are worked out again
SQLITE_CACHE_KIB = 64 * 1024
KEPT_ERRORS = 1000  # the report keeps the first errors; the count is of all
SAMPLE_ROWS = 20
ADD = model_perm(Asset, "add")

# The card fields a column can be mapped to, in the order the mapping page lists them.
FIELDS = (
    ("code", gettext_lazy("asset number")),
    ("name", gettext_lazy("name")),
    ("category_code", gettext_lazy("category code")),
    ("category", gettext_lazy("category")),
    ("specification", gettext_lazy("specification")),
    ("model_number", gettext_lazy("model")),
    ("brand", gettext_lazy("brand")),
    ("serial_number", gettext_lazy("serial number")),
    ("manufacturer", gettext_lazy("manufacturer")),
    ("unit", gettext_lazy("unit")),
    ("unit_price", gettext_lazy("unit price (yuan)")),
    ("quantity", gettext_lazy("quantity")),
    ("amount", gettext_lazy("original value (yuan)")),
    ("acquired_on", gettext_lazy("acquisition date")),
    ("booked_on", gettext_lazy("booking date")),
    ("warranty_until", gettext_lazy("warranty until")),
    ("room", gettext_lazy("room")),
    ("department", gettext_lazy("department")),
    ("custodian", gettext_lazy("custodian")),
    ("used_by", gettext_lazy("user")),
    ("funding_source", gettext_lazy("funding source")),
    ("procurement_form", gettext_lazy("procurement form")),
    ("acquisition_method", gettext_lazy("acquired by")),
    ("use_purpose", gettext_lazy("use")),
    ("supplier", gettext_lazy("supplier")),
    ("contract_number", gettext_lazy("contract number")),
    ("invoice_number", gettext_lazy("invoice number")),
    ("voucher_number", gettext_lazy("accounting voucher number")),
    ("status", gettext_lazy("status")),
    ("condition", gettext_lazy("condition")),
    ("note", gettext_lazy("note")),
)
FIELD_NAMES = tuple(name for name, _label in FIELDS)
# A ledger says what the card is called, what it is, what it cost and when it came.
REQUIRED = (("name",), ("category", "category_code"), ("unit_price", "amount"), ("acquired_on",))
DATE_FIELDS = ("acquired_on", "booked_on", "warranty_until")
# A row with none of these is a heading ("一、通用设备"), a remark or a signature line, not a card.
SUBSTANCE = ("category", "category_code", "unit_price", "amount", "quantity", "acquired_on")
CODE_MAX = Asset._meta.get_field("code").max_length
TEXT_MAX = {name: Asset._meta.get_field(name).max_length for name in TEXT_FIELDS}
UNIT_PRICE_LIMIT = Decimal(10) ** (
    Asset._meta.get_field("unit_price").max_digits - Asset._meta.get_field("unit_price").decimal_places
)
AMOUNT_LIMIT = Decimal(10) ** (
    Asset._meta.get_field("amount").max_digits - Asset._meta.get_field("amount").decimal_places
)
# A card field checked by the shared validation, and the columns its value came from.
COLUMN_OF = {"category": ("category", "category_code"), "unit_price": ("unit_price", "amount")}
HALF_CENT = Decimal("0.005")
BATCH, SINGLE = Tracking.BATCH.value, Tracking.SINGLE.value
AUTOMATIC_NUMBER = re.compile(rf"{ASSET_NUMBER_PREFIX}-(\d{{4}})-(\d+)")


def field_label(name):
    return dict(FIELDS).get(name, name)


def sheet_limits():
    """The size limits of a ledger: settings HOUQIN_ASSET_IMPORT_MAX_ROWS (data rows) and
    HOUQIN_ASSET_IMPORT_MAX_BYTES (the file)."""
    return ls.Limits(
        file_bytes=getattr(settings, "HOUQIN_ASSET_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES),
        rows=getattr(settings, "HOUQIN_ASSET_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS),
    )


def _open(fileobj):
    try:
        return ls.Workbook.open(fileobj, limits=sheet_limits())
    except ls.SheetError as exc:
        raise ValidationError({"file": str(exc)})


# ---------------------------------------------------------------------------------------------
# The words of a ledger: choices


CHOICE_WORDS = {
    "funding_source": (
        FundingSource,
        {
            FundingSource.FISCAL: (
                "财政拨款",
                "财政",
                "财政资金",
                "财政性资金",
                "财政补助",
                "预算内",
                "公用经费",
            ),
            FundingSource.NON_FISCAL: (
                "自筹",
                "自筹资金",
                "自有资金",
                "非财政",
                "非财政资金",
                "单位自筹",
                "预算外",
            ),
            FundingSource.DONATION: ("捐赠", "捐资", "社会捐赠", "捐助", "赞助"),
            FundingSource.OTHER: ("其他", "其它"),
        },
    ),
    "procurement_form": (
        ProcurementForm,
        {
            ProcurementForm.CENTRALISED: ("集中采购", "政府集中采购", "集采"),
            ProcurementForm.DECENTRALISED: ("分散采购", "部门集中采购"),
            ProcurementForm.SELF: ("自行采购", "学校自购", "自购", "自行购买"),
            ProcurementForm.DONATION: ("捐赠", "受赠"),
            ProcurementForm.ALLOCATION: ("调拨", "划拨", "配发", "上级配发"),
            ProcurementForm.OTHER: ("其他", "其它"),
        },
    ),
    "acquisition_method": (
        AcquisitionMethod,
        {
            AcquisitionMethod.PURCHASE: ("购置", "购买", "采购", "新购", "购入", "购进"),
            AcquisitionMethod.DONATION: ("捐赠", "受赠", "接受捐赠", "赞助", "捐助"),
            AcquisitionMethod.TRANSFER: ("调拨", "调入", "划拨", "无偿调入", "无偿划拨", "配发"),
            AcquisitionMethod.SELF_BUILT: ("自建", "自制", "自行建造", "自产"),
            AcquisitionMethod.SURPLUS: ("盘盈",),
        },
    ),
    "use_purpose": (
        UsePurpose,
        {
            UsePurpose.TEACHING: ("教学", "教学用", "教学科研", "教育教学"),
            UsePurpose.ADMINISTRATION: ("行政", "办公", "行政办公", "管理", "行政管理"),
            UsePurpose.LIVING: ("生活", "后勤", "生活后勤", "生活用"),
            UsePurpose.OTHER: ("其他", "其它"),
        },
    ),
    "status": (
        AssetStatus,
        {
            AssetStatus.IN_USE: ("在用", "使用中", "正常使用", "正常", "使用"),
            AssetStatus.IDLE: ("闲置", "未使用", "待用", "备用"),
            AssetStatus.ON_LOAN: ("出借", "借出"),
            AssetStatus.UNDER_REPAIR: ("维修", "维修中", "待修"),
            AssetStatus.AWAITING_DISPOSAL: ("待报废", "待处置"),
            AssetStatus.DISPOSED: ("报废", "已报废", "已处置"),
            AssetStatus.LOST: ("丢失", "遗失", "被盗"),
        },
    ),
    "condition": (
        AssetCondition,
        {
            AssetCondition.GOOD: ("完好", "良好", "好", "新", "全新", "正常"),
            AssetCondition.WORN: ("一般", "旧", "较旧", "磨损", "基本完好", "可用"),
            AssetCondition.DAMAGED: ("损坏", "破损", "坏", "故障"),
            AssetCondition.UNREPAIRABLE: ("报废", "无法修复", "不能使用"),
        },
    ),
}


def choice_tables():
    """{field: {word: stored value}}: the Chinese words ledgers use, the labels in both
    languages and the stored values themselves."""
    tables = {}
    for name, (choices, words) in CHOICE_WORDS.items():
        table = {}
        for value, label in choices.choices:
            table[ls.header_key(value)] = value
            table[ls.header_key(label)] = value
            with translation.override("zh-hans"):
                table[ls.header_key(str(label))] = value
        for value, synonyms in words.items():
            for word in synonyms:
                table[ls.header_key(word)] = value
        tables[name] = table
    return tables


# ---------------------------------------------------------------------------------------------
# The school's words: categories, rooms, departments, people


def _key(text):
    return ls.SPACES.sub("", ls.clean_text(text)).lower()


ROOM_NOISE = re.compile(r"[\s\-_/·.,#]")
ROOM_SUFFIX = re.compile(r"(?<=\d)[室号]$")
CATEGORY_CODE = re.compile(r"([Aa]\d{8}(?:-\d+)*)\s*(.*)")
LEGACY_CODE = re.compile(r"(\d{7})(?!\d)\s*(.*)")


def _room_key(text):
    return ROOM_SUFFIX.sub("", ROOM_NOISE.sub("", ls.clean_text(text).lower()))


class Lookups:
    """The school's categories, rooms, departments and people, read once, and the ledger's words
    matched against them (each distinct text once). A lookup returns (object, None) or
    (None, message)."""

    def __init__(self, school):
        self.school = school
        everything = list(AssetCategory.objects.available_to(school))
        # National classes first, then a central school's, then the school's own: a later one
        # wins a code they share.
        everything.sort(key=lambda c: (c.school_id is not None, c.school_id == school.pk, c.level, c.code))
        by_pk = {c.pk: c for c in everything}
        for c in everything:  # the tree in memory: category_traits walks it without a query
            if c.parent_id in by_pk:
                c.parent = by_pk[c.parent_id]
        active = [c for c in everything if c.is_active]
        self.categories = {c.pk: c for c in active}
        self.by_code = {}
        self.by_name = defaultdict(list)
        for c in active:
            self.by_code[c.code.upper()] = c
            self.by_name[_key(c.name)].append(c)
        self.legacy = {
            code: self.categories[pk]
            for code, pk in LegacyCategoryCode.objects.values_list("code", "category_id")
            if pk in self.categories
        }
        self.rooms = {}
        tiers = (defaultdict(set), defaultdict(set), defaultdict(set))
        for room in Room.objects.filter(school=school).select_related("building"):
            self.rooms[room.pk] = room
            full = {
                _room_key(f"{room.building.name}{room.number}"),
                _room_key(str(room)),
                _room_key(f"{room.building.name}{room.name}") if room.name else "",
            }
            for key in full - {""}:
                tiers[0][key].add(room.pk)
            tiers[1][_room_key(room.number)].add(room.pk)
            if room.name:
                tiers[2][_room_key(room.name)].add(room.pk)
        self.room_tiers = tiers
        self.departments = defaultdict(list)
        for department in Department.objects.filter(school=school):
            self.departments[_key(department.name)].append(department)
        people = list(people_of_school(school))
        self.people = frozenset(p.pk for p in people)
        self.by_full_name = defaultdict(list)
        self.by_username = {}
        for person in people:
            if person.full_name:
                self.by_full_name[_key(person.full_name)].append(person)
            self.by_username[person.username.lower()] = person
        self.choices = choice_tables()
        self._cache = {}

    def _cached(self, kind, value, find):
        """find(clean text) for a cell's value, remembered by the raw value: a ledger names the
        same few rooms, people and categories thousands of times."""
        key = (kind, value)
        hit = self._cache.get(key)
        if hit is None:
            text = ls.clean_text(value)
            hit = find(text) if text else (None, None)
            if len(self._cache) < CACHE_MAX:
                self._cache[key] = hit
        return hit

    # -- categories

    def category(self, value):
        return self._cached("category", value, self._find_category)

    def _find_category(self, text):
        school = self.school
        own = self.by_code.get(text.upper())
        if own is not None:
            return own, None
        match = CATEGORY_CODE.fullmatch(text)
        if match:
            code, rest = match.group(1).upper(), match.group(2)
            found = self.by_code.get(code)
            if found is not None:
                return found, None
            if rest:
                found, _message = self._category_by_name(rest)
                if found is not None:
                    return found, None
            return None, _("No category with the code %(code)s is available to %(school)s.") % {
                "code": code,
                "school": school,
            }
        match = LEGACY_CODE.fullmatch(text)
        if match:
            found = self.legacy.get(match.group(1))
            if found is not None:
                return found, None
            if match.group(2):
                found, _message = self._category_by_name(match.group(2))
                if found is not None:
                    return found, None
            return None, _(
                "The 2010 category code %(code)s has no class of the 2022 classification mapped to it."
            ) % {"code": match.group(1)}
        return self._category_by_name(text)

    def _category_by_name(self, text):
        key = _key(text)
        exact = self.by_name.get(key, [])
        if len(exact) == 1:
            return exact[0], None
        if not exact and len(key) >= 2:
            exact = [c for name, cs in self.by_name.items() if key in name or name in key for c in cs]
            if len(exact) == 1:
                return exact[0], None
        if exact:
            return None, _("%(text)s fits several categories (%(codes)s); write the category code.") % {
                "text": text,
                "codes": ", ".join(sorted(c.code for c in exact)[:4]) + (" …" if len(exact) > 4 else ""),
            }
        return None, _("No category called %(text)s is available to %(school)s.") % {
            "text": text,
            "school": self.school,
        }

    # -- places and people

    def room(self, value):
        return self._cached("room", value, self._find_room)

    def _find_room(self, text):
        key = _room_key(text)
        for tier in self.room_tiers:
            found = tier.get(key)
            if found:
                if len(found) == 1:
                    return self.rooms[next(iter(found))], None
                names = sorted(str(self.rooms[pk]) for pk in found)
                return None, _("%(text)s could be %(rooms)s; write the building too.") % {
                    "text": text,
                    "rooms": ", ".join(names[:4]),
                }
        return None, _("%(school)s has no room %(text)s.") % {"school": self.school, "text": text}

    def department(self, value):
        return self._cached("department", value, self._find_department)

    def _find_department(self, text):
        found = self.departments.get(_key(text), [])
        if len(found) == 1:
            return found[0], None
        return None, _("%(school)s has no department %(text)s.") % {"school": self.school, "text": text}

    def person(self, value):
        return self._cached("person", value, self._find_person)

    def _find_person(self, text):
        found = self.by_full_name.get(_key(text), [])
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            return None, _("Several people of %(school)s are called %(text)s; write the username.") % {
                "school": self.school,
                "text": text,
            }
        person = self.by_username.get(text.lower())
        if person is not None:
            return person, None
        return None, _("%(text)s is not a member of %(school)s.") % {"text": text, "school": self.school}

    def choice(self, field_name, value):
        return self._cached(field_name, value, lambda text: self._find_choice(field_name, text))

    def _find_choice(self, field_name, text):
        found = self.choices[field_name].get(ls.header_key(text))
        if found is not None:
            return found, None
        _choices, words = CHOICE_WORDS[field_name]
        allowed = "、".join(synonyms[0] for synonyms in words.values())
        return None, _("%(text)s is not one of: %(allowed)s.") % {"text": text, "allowed": allowed}


# ---------------------------------------------------------------------------------------------
# Mapping


def mapping_clean(mapping, columns):
    """{field: column index} from a form or a stored mapping; ValidationError keyed "mapping"
    for an unknown field or column, or a column mapped twice."""
    indexes = {c["index"] for c in columns}
    out = {}
    errors = []
    used = {}
    for name, index in (mapping or {}).items():
        if index in (None, ""):
            continue
        if name not in FIELD_NAMES:
            errors.append(_("%(field)s is not a field of an asset card.") % {"field": name})
            continue
        try:
            index = int(index)
        except (TypeError, ValueError):
            index = -1
        if index not in indexes:
            errors.append(_("The sheet has no such column for %(field)s.") % {"field": field_label(name)})
            continue
        if index in used:
            errors.append(
                _("Column %(column)s is mapped to both %(a)s and %(b)s.")
                % {"column": ls.column_letter(index), "a": field_label(used[index]), "b": field_label(name)}
            )
            continue
        used[index] = name
        out[name] = index
    if errors:
        raise ValidationError({"mapping": errors})
    return out


def mapping_missing(mapping):
    """The required fields (or groups, "category or category code") the mapping leaves out."""
    missing = []
    for group in REQUIRED:
        if not any(name in mapping for name in group):
            labels = [str(field_label(name)) for name in group]
            missing.append(
                _("%(first)s or %(second)s") % {"first": labels[0], "second": labels[1]}
                if len(labels) == 2
                else labels[0]
            )
    return missing


# ---------------------------------------------------------------------------------------------
# Checking rows


class Run:
    """One pass over the rows of a ledger with a mapping: each row checked as asset_register
    checks a card, the counts and the report kept; on commit (with a `writer`), each chunk of
    good rows registered while no row has failed (a later failure rolls the transaction back)."""

    def __init__(self, asset_import, *, actor, last_number, writer=None):
        self.imp = asset_import
        self.school = school = asset_import.school
        self.actor = actor
        self.writer = writer
        self.mapping = {name: int(index) for name, index in asset_import.mapping.items()}
        self.mapped = tuple(self.mapping.items())
        self.texts = tuple(name for name in TEXT_FIELDS if name in self.mapping)
        self.columns = {c["index"]: c for c in asset_import.layout.get("columns", [])}
        self.data_start = asset_import.layout.get("data_start", 1)
        self.left = sorted(self.columns)[:3]  # where a 合计 row says so
        self.date1904 = asset_import.layout.get("date1904", False)
        self.lookups = Lookups(school)
        self.context = RegisterContext.at(
            school, categories=self.lookups.categories, people=self.lookups.people
        )
        self.year = timezone.localdate().year
        self.last_number = last_number
        self.max_rows = sheet_limits().rows
        self.note = _("Registered from the ledger %(file)s, row %(row)s")
        self.parsed = {"text": {}, "money": {}, "count": {}, "date": {}}
        self.seen_codes = {}
        self._existing = None
        self.pending = []
        # What the report says
        self.seen = self.rows_read = self.without_code = self.cards = self.items = self.error_count = 0
        self.amount = self.running_amount = Decimal("0.00")
        self.errors, self.sample, self.totals, self.skipped, self.warnings = [], [], [], [], []
        self.summary = Counter()
        self.blank = self.skipped_count = 0
        self.ended_at = None

    # -- the report

    def column_of(self, field_name):
        for name in COLUMN_OF.get(field_name, (field_name,)):
            if name in self.mapping:
                return self.mapping[name]
        return None

    def error(self, row, field_name, value, message):
        column = self.column_of(field_name)
        self.summary[(field_name or "", str(message))] += 1
        if len(self.errors) < KEPT_ERRORS:
            self.errors.append(
                {
                    "row": row,
                    "column": ls.column_letter(column) if column is not None else "",
                    "label": self.columns.get(column, {}).get("label", "") if column is not None else "",
                    "field": field_name or "",
                    "value": ls.clean_text(value)[:60] if value is not None else "",
                    "message": str(message),
                }
            )

    def report(self):
        summary = [
            {"field": f, "message": m, "count": n} for (f, m), n in self.summary.most_common(10) if n > 1
        ]
        return {
            "errors": self.errors,
            "summary": summary,
            "sample": self.sample,
            "blank": self.blank,
            "totals": self.totals,
            "skipped": self.skipped,
            "skipped_count": self.skipped_count,
            "ended_at": self.ended_at,
            "data_rows": self.rows_read,
            "without_code": self.without_code,
            "warnings": self.warnings,
            "missing": mapping_missing(self.mapping),
        }

    # -- cell values, each distinct one worked out once

    def _parse(self, kind, parse, value):
        cache = self.parsed[kind]
        try:
            hit = cache[value]
        except KeyError:
            try:
                hit = (parse(value), None)
            except ValueError as exc:
                hit = (None, exc)
            if len(cache) < CACHE_MAX:
                cache[value] = hit
        return hit

    def text(self, value):
        if value is None:
            return ""
        return self._parse("text", ls.clean_text, value)[0]

    def _date(self, value):
        return ls.to_date(value, date1904=self.date1904)

    # -- a row

    def check(self, row, cells):
        """The row as (data, details, state, booked amount, code) when it is a card; None when
        it is blank, a total, a line under the ledger or wrong (its errors reported)."""
        get = cells.get
        values = {name: get(index) for name, index in self.mapped}
        if not any(v is not None for v in values.values()):
            self.blank += 1
            return None
        label = ls.total_label(get(i) for i in self.left)
        if label:
            self._total(row, label, values.get("amount"))
            return None
        if self.ended_at or all(values.get(name) is None for name in SUBSTANCE):
            # Headings, remarks, and under the grand total the signatures ("制表：刘云").
            self.skipped_count += 1
            if len(self.skipped) < 20:
                self.skipped.append(row)
            return None
        self.rows_read += 1
        if self.rows_read > self.max_rows:
            raise self.too_long()
        lookups = self.lookups
        failed = set()

        def fail(name, message, also=()):
            failed.add(name)
            failed.update(also)
            self.error(row, name, values.get(name), message)

        data = {name: self.text(values[name]) for name in self.texts}
        for name in self.texts:
            limit = TEXT_MAX[name]
            if limit and len(data[name]) > limit:
                fail(name, _("At most %(n)s characters.") % {"n": limit})
        data["name"] = self.text(values.get("name"))
        code = ls.clean_text(values.get("code"))
        if not code:
            self.without_code += 1
        else:
            message = self._code_error(row, code)
            if message:
                fail("code", message)
            self.seen_codes.setdefault(code, row)
        category, message = None, None
        if values.get("category_code") is not None:
            category, message = lookups.category(values["category_code"])
            if message:
                fail("category_code", message, also=("category",))
        if category is None and message is None and values.get("category") is not None:
            category, message = lookups.category(values["category"])
            if message:
                fail("category", message)
        data["category"] = category
        quantity = self._number(values, "quantity", "count", ls.to_count, fail)
        unit_price = self._number(values, "unit_price", "money", ls.to_money, fail)
        amount = self._number(values, "amount", "money", ls.to_money, fail)
        booked = None
        if amount is not None:
            if amount < 0:
                fail("amount", _("The amount cannot be negative."))
            elif amount >= AMOUNT_LIMIT:
                fail("amount", _("The amount is too large."))
        if unit_price is not None and unit_price >= UNIT_PRICE_LIMIT:
            fail("unit_price", _("The unit price is too large."))
        if "amount" in failed and unit_price is None:
            failed.add("unit_price")
        count = quantity if quantity is not None and quantity >= 1 else 1
        if amount is not None and "amount" not in failed and "unit_price" not in failed:
            if unit_price is None:
                unit_price = (amount / count).quantize(ls.CENT, rounding=ROUND_HALF_UP)
            else:
                expected = unit_price * count
                if abs(expected - amount) > max(ls.CENT, HALF_CENT * count):
                    fail(
                        "amount",
                        _(
                            "%(amount)s is not unit price × quantity (%(price)s × %(quantity)s = %(expected)s)."
                        )
                        % {"amount": amount, "price": unit_price, "quantity": count, "expected": expected},
                    )
            booked = amount
        if booked is not None:  # what the row adds to the sheet's own 合计
            self.running_amount += booked
        elif unit_price is not None and "unit_price" not in failed:
            self.running_amount += unit_price * count
        data["unit_price"] = unit_price
        data["quantity"] = quantity if quantity is not None else 1
        data["tracking"] = BATCH if quantity is not None and quantity > 1 else SINGLE
        for name in DATE_FIELDS:
            value = values.get(name)
            if value is not None:
                day, error = self._parse("date", self._date, value)
                if error is not None:
                    fail(name, _("Enter a valid date."))
                data[name] = day
        for name, find in (
            ("room", lookups.room),
            ("department", lookups.department),
            ("custodian", lookups.person),
            ("used_by", lookups.person),
        ):
            value = values.get(name)
            if value is not None:
                found, message = find(value)
                if message:
                    fail(name, message)
                data[name] = found
        for name in CHOICE_WORDS:
            value = values.get(name)
            if value is not None:
                found, message = lookups.choice(name, value)
                if message:
                    fail(name, message)
                elif found:
                    data[name] = found
        # The checks asset_register makes, with the same messages.
        shared = {}
        details = card_detail_errors(data, self.school, shared, context=self.context)
        state = card_state_errors(data, self.school, shared, context=self.context)
        for name, message in shared.items():
            if name not in failed:
                fail(name, message)
        if failed:
            self.error_count += 1
            return None
        return data, details, state, booked, code

    def _number(self, values, name, kind, parse, fail):
        value = values.get(name)
        if value is None:
            return None
        number, error = self._parse(kind, parse, value)
        if error is not None:
            fail(name, _("Enter a whole number.") if name == "quantity" else _("Enter a number."))
        return number

    def _code_error(self, row, code):
        if len(code) > CODE_MAX:
            return _("At most %(n)s characters.") % {"n": CODE_MAX}
        if code in self.existing_codes():
            return _("%(code)s is already the number of a card of %(school)s.") % {
                "code": code,
                "school": self.school,
            }
        if self.seen_codes.get(code, row) != row:
            return _("The number %(code)s is already in row %(row)s.") % {
                "code": code,
                "row": self.seen_codes[code],
            }
        match = AUTOMATIC_NUMBER.fullmatch(code)
        if match:
            year, number = int(match.group(1)), int(match.group(2))
            automatic = document_number_format(ASSET_NUMBER_PREFIX, year, number) == code
            if automatic and (year > self.year or (year == self.year and number > self.last_number)):
                return _(
                    "%(code)s is a number Houqin has yet to give to a new card; leave the number empty "
                    "and one is given."
                ) % {"code": code}
        return None

    def _total(self, row, label, value):
        try:
            stated = ls.to_money(value)
        except ValueError:
            stated = None
        self.totals.append({"row": row, "label": label, "amount": str(stated) if stated is not None else ""})
        if label in ls.GRAND_TOTALS and self.rows_read:
            # The ledger ends at its grand total (one at the top, before any row, does not end it).
            self.ended_at = row
            if stated is not None and stated != self.running_amount:
                self.warnings.append(
                    _("Row %(row)s (%(label)s) says %(stated)s; the rows above it add up to %(sum)s.")
                    % {"row": row, "label": label, "stated": stated, "sum": self.running_amount}
                )

    # -- chunks

    def add(self, row, checked):
        self.pending.append((row, checked))
        if len(self.pending) >= CHUNK_ROWS:
            self.flush()

    def flush(self):
        """Count the chunk; on commit, insert it while nothing has failed."""
        good, self.pending = self.pending, []
        for row, checked in good:
            data, details, state, booked, code = checked
            self.cards += 1
            self.items += state["quantity"]
            self.amount += booked if booked is not None else details["unit_price"] * state["quantity"]
            if len(self.sample) < SAMPLE_ROWS:
                self.sample.append(self._sample(row, checked))
        if self.writer is not None and not self.error_count:
            self._register(good)

    def existing_codes(self):
        """The numbers of the school's cards, read once (in the commit, after the sequence is
        locked: no other import or registration numbers a card meanwhile)."""
        if self._existing is None:
            self._existing = set(Asset.objects.filter(school=self.school).values_list("code", flat=True))
        return self._existing

    def _values(self, checked):
        data, details, state, booked, _code = checked
        return card_values(
            actor=self.actor,
            school=self.school,
            data=data,
            details=details,
            state=state,
            context=self.context,
            amount=booked,
        )

    def _sample(self, row, checked):
        card = Asset(**self._values(checked))
        return {
            "row": row,
            "code": checked[4],
            "name": card.name,
            "category": str(card.category),
            "specification": " ".join(p for p in (card.specification, card.model_number) if p),
            "unit": card.unit,
            "unit_price": str(card.unit_price),
            "quantity": card.quantity,
            "amount": str(card.amount),
            "acquired_on": card.acquired_on.isoformat(),
            "room": str(card.room) if card.room else "",
            "department": str(card.department) if card.department else "",
            "custodian": str(card.custodian) if card.custodian else "",
            "asset_class": str(card.asset_class),
            "tracking": str(card.tracking),
            "depreciation_months": card.depreciation_months,
        }

    def _register(self, good):
        """Hand the chunk's cards and their "registered" events to the writer: card_values' and
        event_fields' values with the numbers and keys reserved for them, no model instance per
        row (two instances a row would cost more than all the rest of a commit)."""
        writer = self.writer
        for row, checked in good:
            values = self._values(checked)
            values["id"] = pk = writer.next_id()
            values["code"] = checked[4] or writer.next_number()
            values["search_text"] = search_text_for(SimpleNamespace(name=values["name"], code=values["code"]))
            values["created_at"] = values["updated_at"] = writer.now
            card = SimpleNamespace(
                pk=pk,
                school=self.school,
                quantity=values["quantity"],
                room_id=values["room"].pk if values["room"] is not None else None,
                status=values["status"],
            )
            event = event_fields(
                asset=card,
                kind=EventKind.REGISTER,
                actor=self.actor,
                occurred_on=values["acquired_on"],
                quantity=values["quantity"],
                amount=values["amount"],
                note=self.note % {"file": self.imp.file_name, "row": row},
                asset_import=self.imp,
            )
            event["id"] = writer.next_event_id()
            event["created_at"] = event["updated_at"] = writer.now
            writer.add(values, event)

    # -- the whole sheet

    def run(self, rows):
        """Every row of the sheet after the header."""
        limit = 2 * self.max_rows + 1000  # blank and skipped rows included
        for row, cells in rows:
            if row < self.data_start:
                continue
            self.seen += 1
            if self.seen > limit:
                raise self.too_long()
            checked = self.check(row, cells)
            if checked is not None:
                self.add(row, checked)
        self.flush()

    def too_long(self):
        return ValidationError(
            {
                "file": _("The ledger has more than %(n)s rows; split it into several files.")
                % {"n": self.max_rows}
            }
        )


def _apply(asset_import, run):
    asset_import.row_count = run.cards + run.error_count
    asset_import.card_count = run.cards
    asset_import.item_count = run.items
    asset_import.total_amount = run.amount
    asset_import.error_count = run.error_count
    asset_import.report = run.report()


def _stored(asset_import):
    try:
        return asset_import.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise ValidationError({"file": _("The uploaded file of this ledger is missing; upload it again.")})


def _kept(asset_import):
    """The name of the rows kept at the import's last dry run, if they are there."""
    name = asset_import.layout.get("rows")
    if name and asset_import.pk is not None and asset_import.file.storage.exists(name):
        return name
    return None


@contextmanager
def _rows(asset_import, fileobj=None, *, keep=None):
    """The rows of the import's sheet: those kept at its last dry run when there are, else read
    from the workbook (`fileobj`, else the stored file) and, with `keep`, written to it as they
    go. A damaged or too big sheet is a ValidationError keyed "file"."""
    with ExitStack() as stack:
        kept = _kept(asset_import)
        if kept is not None:
            rows = ls.rows_load(stack.enter_context(asset_import.file.storage.open(kept, "rb")))
        else:
            book = stack.enter_context(
                _open(fileobj if fileobj is not None else stack.enter_context(_stored(asset_import)))
            )
            sheets = [sheet for sheet in book.sheets if sheet.part == asset_import.layout.get("part")]
            if not sheets:
                raise ValidationError({"file": _("The sheet of this ledger can no longer be read.")})
            rows = book.rows(sheets[0])
            if keep is not None:
                rows = ls.rows_dump(rows, keep)
        try:
            yield rows
        except ls.SheetError as exc:
            raise ValidationError({"file": str(exc)})
        finally:
            rows.close()  # a reading stopped early finishes its kept rows while `keep` is open


def _dry_run(asset_import, fileobj=None, *, actor, keep=None):
    """Check every row (nothing is registered); the counts and the report go on `asset_import`.
    Without the columns a card needs, there is nothing to check: the report says which."""
    missing = mapping_missing(asset_import.mapping)
    if missing:
        asset_import.row_count = asset_import.card_count = asset_import.item_count = 0
        asset_import.error_count = 0
        asset_import.total_amount = Decimal("0.00")
        asset_import.report = {"missing": missing}
        return False
    last = document_number_last(school=asset_import.school, prefix=ASSET_NUMBER_PREFIX)
    run = Run(asset_import, actor=actor, last_number=last)
    with _rows(asset_import, fileobj, keep=keep) as rows:
        run.run(rows)
    _apply(asset_import, run)
    return True


def _keep_rows(asset_import, keep):
    """Store the rows a dry run wrote to `keep` next to the upload; the old ones go."""
    storage = asset_import.file.storage
    keep.seek(0)
    old = asset_import.layout.get("rows")
    name = storage.save(f"{os.path.splitext(asset_import.file.name)[0]}.rows", File(keep))
    asset_import.layout = {**asset_import.layout, "rows": name}
    if old and old != name:
        transaction.on_commit(lambda: storage.delete(old))
    return name


def _summary(asset_import):
    return {
        "status": asset_import.status,
        "mapping": asset_import.mapping,
        "cards": asset_import.card_count,
        "amount": str(asset_import.total_amount),
        "errors": asset_import.error_count,
    }


# ---------------------------------------------------------------------------------------------
# The services


def _checked_import(*, actor, school, uploaded_file, keep=None):
    require(actor, ADD, school)
    if uploaded_file is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    name = clean_file_name(getattr(uploaded_file, "name", ""))
    if not name.lower().endswith(".xlsx"):
        raise ValidationError(
            {
                "file": _("Upload the ledger as an Excel workbook (.xlsx); %(name)s is not one.")
                % {"name": name}
            }
        )
    with _open(uploaded_file) as book:
        try:
            header = ls.find_header(book)
        except ls.SheetError as exc:
            raise ValidationError({"file": str(exc)})
        date1904 = book.date1904
    asset_import = AssetImport(
        school=school,
        file_name=name,
        file_size=uploaded_file.size,
        sheet_name=header.sheet.name,
        layout={
            "part": header.sheet.part,
            "header_rows": list(header.rows),
            "data_start": header.data_start,
            "date1904": date1904,
            "columns": [c.as_json() for c in header.columns],
        },
        mapping=header.mapping,
        created_by=actor,
    )
    kept = _dry_run(asset_import, uploaded_file, actor=actor, keep=keep)
    return asset_import, kept


def asset_import_check(*, actor, school, uploaded_file):
    """Read a ledger and check every row without keeping anything: the unsaved import, with its
    layout, proposed mapping, counts and report (`houqin import-assets --dry-run`).

    A file that is not an .xlsx workbook, is too big (HOUQIN_ASSET_IMPORT_MAX_BYTES, _MAX_ROWS),
    damaged, or has no row naming the columns of a ledger is refused with the reason.
    """
    return _checked_import(actor=actor, school=school, uploaded_file=uploaded_file)[0]


def asset_import_upload(*, actor, school, uploaded_file):
    """Keep an uploaded ledger at `school` with its dry run (see asset_import_check): the file,
    the layout found, the proposed mapping, the counts and the report, and the rows as read (the
    commit reads them back instead of the workbook). No card is registered; a refused file keeps
    nothing. Rows with errors are shown on the import's page, where the mapping can be changed
    and the ledger checked again."""
    with tempfile.TemporaryFile() as keep:
        asset_import, kept = _checked_import(
            actor=actor, school=school, uploaded_file=uploaded_file, keep=keep
        )
        storage = asset_import.file.storage
        stored = []
        uploaded_file.seek(0)
        try:
            with transaction.atomic():
                asset_import.file.save("ledger.xlsx", uploaded_file, save=False)
                stored.append(asset_import.file.name)
                if kept:
                    stored.append(_keep_rows(asset_import, keep))
                asset_import.save()
                changelog_record(
                    actor=actor,
                    obj=asset_import,
                    action=ChangeAction.CREATE,
                    after={
                        "file_name": asset_import.file_name,
                        "sheet_name": asset_import.sheet_name,
                        **_summary(asset_import),
                    },
                )
        except BaseException:
            for name in stored:
                storage.delete(name)
            raise
    return asset_import


# What a dry run changes on the import (and all a re-check may write back).
DRY_RUN_FIELDS = [
    "mapping",
    "layout",
    "row_count",
    "card_count",
    "item_count",
    "total_amount",
    "error_count",
    "report",
    "updated_at",
]


def asset_import_remap(*, actor, asset_import, mapping):
    """Check the ledger again with another column mapping ({field: column index}; the same one
    checks it again, after a room or a person has been added). Nothing is registered."""
    require(actor, ADD, asset_import.school)
    if asset_import.is_committed:
        raise invalid(None, _("This ledger has already been registered."))
    clean = mapping_clean(mapping, asset_import.layout.get("columns", []))
    before = _summary(asset_import)
    asset_import.mapping = clean
    with tempfile.TemporaryFile() as keep:
        has_rows = _kept(asset_import) is not None
        kept = _dry_run(asset_import, actor=actor, keep=None if has_rows else keep)
        with transaction.atomic():
            # The check ran on the caller's copy, unlocked: a commit may have finished meanwhile,
            # and writing the whole copy back would make a registered ledger look unregistered.
            current = AssetImport.objects.select_for_update().get(pk=asset_import.pk)
            if current.is_committed:
                raise invalid(None, _("This ledger has already been registered."))
            if kept and not has_rows:
                _keep_rows(asset_import, keep)
            asset_import.save(update_fields=DRY_RUN_FIELDS)
            changelog_record(
                actor=actor,
                obj=asset_import,
                action=ChangeAction.UPDATE,
                before=before,
                after=_summary(asset_import),
            )
    return asset_import


class _Refused(Exception):
    def __init__(self, run):
        self.run = run


@contextmanager
def _sqlite_cache(pages_kib):
    """A bigger page cache for SQLite while a commit writes: the indexes of 100,000 new cards
    do not fit the default 2 MB, and every miss is a read. Other databases: nothing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{int(pages_kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def asset_import_commit(*, actor, asset_import):
    """Register every row of the checked ledger as a card, in one transaction: all or none.

    The rows are checked again (the school's rooms, people or numbers may have changed since the
    dry run); any error registers nothing, and the import's report shows the errors. Each card
    gets a number (the sheet's, or the next of the school's sequence, reserved in blocks), its
    "registered" event pointing at the import, and the import one change-log entry.
    """
    school = asset_import.school
    require(actor, ADD, school)
    missing = mapping_missing(asset_import.mapping)
    if missing:
        raise invalid("mapping", _("Map a column to: %(fields)s.") % {"fields": ", ".join(missing)})
    before = _summary(asset_import)
    try:
        with _sqlite_cache(SQLITE_CACHE_KIB), transaction.atomic():
            locked = AssetImport.objects.select_for_update().select_related("school").get(pk=asset_import.pk)
            if locked.is_committed:
                raise invalid(None, _("This ledger has already been registered."))
            expected, automatic = locked.report.get("data_rows"), locked.report.get("without_code")
            if expected is None or automatic is None:
                raise invalid(None, _("Check the ledger again before registering it."))
            last = document_number_last(school=school, prefix=ASSET_NUMBER_PREFIX, lock=True)
            writer = CardWriter(
                ids=reserve_ids(Asset, expected),
                event_ids=reserve_ids(AssetEvent, expected),
                numbers=document_numbers_reserve(school=school, prefix=ASSET_NUMBER_PREFIX, count=automatic),
            )
            run = Run(locked, actor=actor, last_number=last, writer=writer)
            run.existing_codes()  # read before the writer holds the connection
            with _rows(locked) as rows, writer:
                run.run(rows)
                if run.error_count or not run.cards:
                    raise _Refused(run)
                if run.cards != expected or not writer.all_used():
                    raise Changed
            _apply(locked, run)
            kept = locked.layout.get("rows")
            if kept:  # read for the last time
                storage = locked.file.storage
                transaction.on_commit(lambda: storage.delete(kept))
                locked.layout = {k: v for k, v in locked.layout.items() if k != "rows"}
            locked.status = ImportStatus.COMMITTED
            locked.committed_by = actor
            locked.committed_at = timezone.now()
            locked.save()
            changelog_record(
                actor=actor, obj=locked, action=ChangeAction.UPDATE, before=before, after=_summary(locked)
            )
    except Changed:
        raise invalid(None, _("The ledger reads differently from when it was checked; check it again."))
    except _Refused as refused:
        # Nothing was registered; the import shows what is wrong now.
        _apply(asset_import, refused.run)
        AssetImport.objects.filter(pk=asset_import.pk).update(
            row_count=asset_import.row_count,
            card_count=asset_import.card_count,
            item_count=asset_import.item_count,
            total_amount=asset_import.total_amount,
            error_count=asset_import.error_count,
            report=asset_import.report,
        )
        n = refused.run.error_count
        if n:
            raise invalid(
                None,
                ngettext(
                    "%(n)s row has errors; nothing was registered. Correct the ledger or the mapping and "
                    "check it again.",
                    "%(n)s rows have errors; nothing was registered. Correct the ledger or the mapping and "
                    "check it again.",
                    n,
                )
                % {"n": n},
            )
        raise invalid(None, _("The ledger has no rows to register."))
    asset_import.refresh_from_db()
    return asset_import


def asset_imports_discard_stale(*, now=None):
    """Forget the ledgers that were checked but never registered within
    HOUQIN_ASSET_IMPORT_KEEP_DAYS days (default 7): the record, the uploaded file and the rows
    kept for the commit. They registered nothing, so nothing else refers to them. Run daily by
    the scheduler; returns how many went."""
    now = now or timezone.now()
    days = int(getattr(settings, "HOUQIN_ASSET_IMPORT_KEEP_DAYS", DEFAULT_KEEP_DAYS))
    stale = AssetImport.objects.filter(
        status=ImportStatus.PREVIEWED, created_at__lt=now - datetime.timedelta(days=days)
    )
    gone = 0
    for asset_import in stale.order_by("pk").iterator():
        storage = asset_import.file.storage
        names = [n for n in (asset_import.file.name, asset_import.layout.get("rows")) if n]
        with transaction.atomic():
            # Deleted only if still unregistered (a commit may be running right now).
            deleted, _ = AssetImport.objects.filter(
                pk=asset_import.pk, status=ImportStatus.PREVIEWED
            ).delete()
            if deleted:
                gone += 1
                transaction.on_commit(lambda s=storage, names=names: [s.delete(n) for n in names])
    return gone


def asset_import_cards(asset_import):
    """The cards the import registered, by number (their "registered" events point at it)."""
    return (
        Asset.objects.filter(events__asset_import=asset_import, events__kind=EventKind.REGISTER)
        .select_related("category", "room__building", "department", "custodian")
        .order_by("code")
    )
