"""Fixtures of the asset tests: the shipped categories, rooms in the two schools, a storekeeper."""

import pytest
from django.utils import translation

from houqin.core.tests.factories import member

from .factories import load_categories, make_room


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
def storekeeper_a(school_a):
    return member(school_a, "storekeeper", username="keeper_a", full_name="刘云")


@pytest.fixture
def room_a(school_a, teacher_a):
    return make_room(school_a, number="203", name="三年级2班", responsible=teacher_a)


@pytest.fixture
def room_a2(school_a):
    return make_room(school_a, number="204", name="三年级3班")


@pytest.fixture
def room_b(school_b):
    return make_room(school_b, number="101", name="示范一年级1班")
