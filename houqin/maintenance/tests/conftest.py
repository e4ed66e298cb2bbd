import pytest
from django.utils import translation

from houqin.core.tests.factories import member

from .factories import building, room


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def building_a(school_a):
    return building(school_a)


@pytest.fixture
def room_a(school_a, building_a):
    return room(school_a, "301", bld=building_a, name="三年级2班")


@pytest.fixture
def room_b(school_b):
    return room(school_b, "101")


@pytest.fixture
def worker_a(school_a):
    return member(school_a, "repair_worker", username="worker_a", full_name="黄大伟")


@pytest.fixture
def worker_b(school_b):
    return member(school_b, "repair_worker", username="worker_b", full_name="别校工人")


@pytest.fixture
def staff_a(school_a):
    return member(school_a, "logistics_staff", username="staff_a", full_name="田丽")
