"""Document numbers (CG-2026-0001 …): per school, prefix and year, gap-free and race-free.

The number is taken inside the caller's transaction, which holds the sequence row's lock
until it commits: a second document of the same school, prefix and year waits, and a
rolled-back document gives its number back. So numbers have no gaps and no duplicates.
"""

import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import DocumentSequence

PREFIX_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")
SCHOOL_TIME_ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")


def _current_year():
    return timezone.now().astimezone(SCHOOL_TIME_ZONE).year


def _locked_sequence(school, prefix, year):
    qs = DocumentSequence.objects.select_for_update()
    try:
        return qs.get(school=school, prefix=prefix, year=year)
    except DocumentSequence.DoesNotExist:
        pass
    try:
        # A savepoint: losing the creation race must not break the caller's transaction.
        with transaction.atomic():
            DocumentSequence.objects.create(school=school, prefix=prefix, year=year, last=0)
    except IntegrityError:
        pass  # another transaction created it first; the locking read below waits for it
    return qs.get(school=school, prefix=prefix, year=year)


def _checked_year(prefix, year):
    """Refuse a malformed prefix or year; the year defaults to this one in Asia/Shanghai."""
    if not isinstance(prefix, str) or not PREFIX_RE.match(prefix):
        raise ValidationError(
            {"prefix": _("A document prefix is 1 to 20 letters or digits, starting with a letter.")}
        )
    if year is None:
        year = _current_year()
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9999:
        raise ValidationError({"year": _("Enter a year between 1900 and 9999.")})
    return year


def _require_transaction(name):
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(
            f"{name}() must run inside transaction.atomic(), in the transaction that "
            "saves the document; otherwise a failed save would leave a gap."
        )


def document_number_format(prefix, year, number):
    return f"{prefix}-{year}-{number:04d}"


def document_number_next(*, school, prefix, year=None) -> str:
    """The next number for a document of `school` with `prefix` ("CG") in `year` (this year in
    Asia/Shanghai when None), as "CG-2026-0001". Call it inside `transaction.atomic()`, in the
    same transaction that saves the document."""
    _require_transaction("document_number_next")
    year = _checked_year(prefix, year)
    sequence = _locked_sequence(school, prefix, year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return document_number_format(prefix, year, sequence.last)


def document_numbers_reserve(*, school, prefix, count, year=None) -> list[str]:
    """`count` consecutive numbers for documents of `school` (a bulk import), taken with one
    update of the sequence row inside the caller's transaction: like `count` calls of
    document_number_next, and given back together if the transaction rolls back."""
    _require_transaction("document_numbers_reserve")
    year = _checked_year(prefix, year)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValidationError({"count": _("Enter a whole number of at least 0.")})
    sequence = _locked_sequence(school, prefix, year)
    first = sequence.last + 1
    if count:
        sequence.last += count
        sequence.save(update_fields=["last"])
    return [document_number_format(prefix, year, n) for n in range(first, first + count)]


def document_number_last(*, school, prefix, year=None, lock=False) -> int:
    """The last number handed out (0 before the first). With `lock`, inside the caller's
    transaction, the sequence stays locked until it ends: no other document takes a number
    meanwhile, so the next numbers are known."""
    year = _checked_year(prefix, year)
    if lock:
        _require_transaction("document_number_last")
        return _locked_sequence(school, prefix, year).last
    last = DocumentSequence.objects.filter(school=school, prefix=prefix, year=year).values_list(
        "last", flat=True
    )
    return next(iter(last), 0)
