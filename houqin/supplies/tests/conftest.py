import pytest
from django.utils import translation

from houqin.core.tests.factories import member

from .factories import item, receive, store


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def keeper_a(school_a):
    return member(school_a, "storekeeper", username="keeper_a", full_name="刘云")


@pytest.fixture
def keeper_b(school_b):
    return member(school_b, "storekeeper", username="keeper_b", full_name="别校保管员")


@pytest.fixture
def store_a(school_a):
    return store(school_a, "物资仓库")


@pytest.fixture
def store_a2(school_a):
    return store(school_a, "教学楼储物间")


@pytest.fixture
def store_b(school_b):
    return store(school_b, "示范仓库")


@pytest.fixture
def paper(school_a):
    return item(school_a, "复印纸", unit="包", spec="A4 70g", category="office")


@pytest.fixture
def chalk(school_a):
    return item(school_a, "粉笔", unit="盒", category="teaching")


@pytest.fixture
def paper_b(school_b):
    return item(school_b, "复印纸", unit="包", spec="A4 70g")


@pytest.fixture
def stocked(school_a, paper, store_a):
    """10 packs of paper at 20.00 in store A: the balance."""
    return receive(school_a, paper, store_a, 10, "20.00").balance
