"""`houqin demo`: builds the district once, prints the logins, and --reset never deletes by mistake."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from houqin.core.models import ChangeLogEntry, Membership, Room, School, User
from houqin.core.tests.factories import make_school

pytestmark = pytest.mark.django_db


def counts():
    return {m.__name__: m.objects.count() for m in (School, User, Membership, Room, ChangeLogEntry)}


def test_command_builds_once_and_prints_logins():
    out = StringIO()
    call_command("demo", stdout=out)
    first = out.getvalue()
    assert first.startswith("The demo district was created.\nDemo district: 太平街道办事处中心学校\n")
    assert "zhoujianguo" in first and "houqin2026" in first
    before = counts()
    out = StringIO()
    call_command("demo", stdout=out)
    second = out.getvalue()
    assert second.startswith("The demo district is already there; nothing was changed.\n")
    assert second.splitlines()[1:] == first.splitlines()[1:]
    assert counts() == before


@pytest.fixture
def some_data():
    make_school("黄竹林学校")


def test_reset_refuses_without_a_database_file(some_data):
    before = counts()
    if connection.vendor != "sqlite":
        message = "--reset only deletes the embedded SQLite database"
    else:
        message = "--reset needs an SQLite database file."
    with pytest.raises(CommandError, match=message):
        call_command("demo", reset=True, yes=True, stdout=StringIO())
    assert counts() == before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="--reset only concerns SQLite")
def test_reset_without_yes_refuses_and_keeps_the_file(some_data, monkeypatch, tmp_path):
    before = counts()
    path = tmp_path / "houqin.sqlite3"
    path.write_bytes(b"data")
    monkeypatch.setitem(connection.settings_dict, "NAME", str(path))
    with pytest.raises(
        CommandError, match=f"--reset deletes {path} and everything in it. Add --yes to confirm."
    ):
        call_command("demo", reset=True, stdout=StringIO())
    assert path.read_bytes() == b"data"
    assert counts() == before
