"""Fixtures of the purchasing tests: the people of 黄竹林学校 on the purchase path, rooms, a store."""

import pytest
from django.utils import translation

from houqin.assets.tests.factories import load_categories
from houqin.core.models import Department
from houqin.core.tests.factories import RoomFactory, member

from .factories import make_store, make_supplier


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English (the source language)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def categories(db):
    load_categories()


@pytest.fixture
def dept_a(school_a):
    return Department.objects.create(school=school_a, name="教务处")


@pytest.fixture
def keeper_a(school_a):
    return member(school_a, "storekeeper", username="keeper_a", full_name="刘云")


@pytest.fixture
def staff_a(school_a):
    return member(school_a, "logistics_staff", username="staff_a", full_name="陈师傅")


@pytest.fixture
def room_a(school_a, teacher_a):
    return RoomFactory(school=school_a, number="203", name="三年级2班", responsible=teacher_a)


@pytest.fixture
def store_a(school_a):
    return make_store(school_a)


@pytest.fixture
def suppliers_a(school_a):
    return [
        make_supplier(school_a, "城关家具厂"),
        make_supplier(school_a, "昆明教学设备公司"),
        make_supplier(school_a, "宏达办公家具"),
    ]


@pytest.fixture
def supplier_b(school_b):
    return make_supplier(school_b, "示范文具店")
