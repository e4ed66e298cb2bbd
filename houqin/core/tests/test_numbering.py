"""Document numbers: per school, prefix and year; gap-free and race-free."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.transaction import TransactionManagementError

from houqin.core.models import DocumentSequence
from houqin.core.services import numbering
from houqin.core.services.numbering import document_number_next
from houqin.core.tests.factories import make_school


def take(school, prefix="CG", year=2026):
    with transaction.atomic():
        return document_number_next(school=school, prefix=prefix, year=year)


def test_numbers_are_sequential(school_a):
    assert [take(school_a) for _ in range(3)] == ["CG-2026-0001", "CG-2026-0002", "CG-2026-0003"]
    seq = DocumentSequence.objects.get()
    assert (seq.school, seq.prefix, seq.year, seq.last) == (school_a, "CG", 2026, 3)


def test_numbers_are_separate_per_school_prefix_and_year(school_a, school_b):
    assert take(school_a, "CG") == "CG-2026-0001"
    assert take(school_a, "CG") == "CG-2026-0002"
    assert take(school_b, "CG") == "CG-2026-0001"
    assert take(school_a, "BF") == "BF-2026-0001"
    assert take(school_a, "CG", 2027) == "CG-2027-0001"
    assert take(school_a, "CG") == "CG-2026-0003"
    assert DocumentSequence.objects.count() == 4


def test_rolled_back_document_returns_its_number(school_a):
    assert take(school_a) == "CG-2026-0001"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert document_number_next(school=school_a, prefix="CG", year=2026) == "CG-2026-0002"
        raise RuntimeError("the document failed to save")
    assert take(school_a) == "CG-2026-0002"
    assert DocumentSequence.objects.get().last == 2


def test_rolled_back_first_number_leaves_no_row_or_gap(school_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        document_number_next(school=school_a, prefix="CG", year=2026)
        raise RuntimeError
    assert not DocumentSequence.objects.exists()
    assert take(school_a) == "CG-2026-0001"


def test_more_than_four_digits(school_a):
    DocumentSequence.objects.create(school=school_a, prefix="CG", year=2026, last=9999)
    assert take(school_a) == "CG-2026-10000"


def test_year_defaults_to_the_year_in_shanghai(school_a, monkeypatch):
    # 2025-12-31 16:30 UTC is already 2026-01-01 00:30 in Shanghai.
    moment = datetime.datetime(2025, 12, 31, 16, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(numbering.timezone, "now", lambda: moment)
    with transaction.atomic():
        assert document_number_next(school=school_a, prefix="CG") == "CG-2026-0001"


@pytest.mark.parametrize(
    "prefix, year, field",
    [
        ("", 2026, "prefix"),
        ("C-G", 2026, "prefix"),
        ("1CG", 2026, "prefix"),
        ("X" * 21, 2026, "prefix"),
        ("CG", 26, "year"),
        ("CG", "2026", "year"),
    ],
)
def test_bad_prefix_or_year_is_refused(school_a, prefix, year, field):
    with pytest.raises(ValidationError) as exc, transaction.atomic():
        document_number_next(school=school_a, prefix=prefix, year=year)
    assert list(exc.value.message_dict) == [field]
    assert not DocumentSequence.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused():
    school = make_school("独立学校")
    with pytest.raises(TransactionManagementError, match="inside transaction.atomic"):
        document_number_next(school=school, prefix="CG", year=2026)
    assert not DocumentSequence.objects.exists()


# --- PostgreSQL: concurrent requests, each in its own connection ------------------------------


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set HOUQIN_TEST_DATABASE_URL)")


def run_concurrently(school, count):
    barrier = threading.Barrier(count)
    numbers, errors = [], []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                number = document_number_next(school=school, prefix="CG", year=2026)
                time.sleep(0.01)  # hold the lock a moment, so the others really queue
            with lock:
                numbers.append(number)
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return numbers, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_are_distinct_and_consecutive(postgres_only):
    school = make_school("并发学校")
    DocumentSequence.objects.create(school=school, prefix="CG", year=2026)
    numbers, errors = run_concurrently(school, 20)
    assert errors == []
    assert sorted(numbers) == [f"CG-2026-{n:04d}" for n in range(1, 21)]
    assert DocumentSequence.objects.get(school=school).last == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_numbers_create_one_sequence(postgres_only):
    school = make_school("并发学校")
    numbers, errors = run_concurrently(school, 20)
    assert errors == []
    assert sorted(numbers) == [f"CG-2026-{n:04d}" for n in range(1, 21)]
    assert list(DocumentSequence.objects.filter(school=school).values_list("last", flat=True)) == [20]
