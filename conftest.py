"""Shared fixtures: a small district with two schools and people in each role."""

import pytest

from houqin.core.models import SchoolKind
from houqin.core.tests.factories import make_school, member


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached values (the rule book) must not outlive the rows a test rolls back."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Tests assert the English source strings; code run outside a request would otherwise use
    the Chinese default, and a request's language (LocaleMiddleware) would leak into later tests."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def district(db):
    return make_school("太平中心学校", kind=SchoolKind.DISTRICT)


@pytest.fixture
def school_a(district):
    return make_school("黄竹林学校", parent=district)


@pytest.fixture
def school_b(district):
    return make_school("示范小学", parent=district)


@pytest.fixture
def other_district(db):
    return make_school("别的中心学校", kind=SchoolKind.DISTRICT)


@pytest.fixture
def school_x(other_district):
    """A school of another district: nothing of it may ever show to the users above."""
    return make_school("外区学校", parent=other_district)


@pytest.fixture
def head_a(school_a):
    return member(school_a, "head_of_logistics", username="head_a")


@pytest.fixture
def teacher_a(school_a):
    return member(school_a, "teacher", username="teacher_a")


@pytest.fixture
def principal_a(school_a):
    return member(school_a, "principal", username="principal_a")


@pytest.fixture
def head_b(school_b):
    return member(school_b, "head_of_logistics", username="head_b")


@pytest.fixture
def supervisor(district):
    return member(district, "district_supervisor", username="supervisor")


@pytest.fixture
def head_x(school_x):
    return member(school_x, "head_of_logistics", username="head_x")
