"""`houqin demo`: builds the district once, prints the logins, and --reset never deletes by mistake."""

import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from houqin.core.demo import app_demo_builders
from houqin.core.management.commands import demo as demo_command
from houqin.core.models import ChangeLogEntry, Membership, Room, School, User
from houqin.core.tests.factories import make_school

pytestmark = pytest.mark.django_db


def counts():
    return {m.__name__: m.objects.count() for m in (School, User, Membership, Room, ChangeLogEntry)}


@pytest.fixture
def app_demos(monkeypatch):
    """Two stand-in app demos in place of the real ones (those have their own tests): they record
    the district they were given."""
    calls = []

    def builder(label):
        def build_demo(district, actor=None):
            calls.append((label, district.code))

        return build_demo

    fakes = [
        (SimpleNamespace(verbose_name="Assets"), builder("assets")),
        (SimpleNamespace(verbose_name="Supplies"), builder("supplies")),
    ]
    monkeypatch.setattr(demo_command, "app_demo_builders", lambda: fakes)
    return calls


def test_command_builds_once_and_prints_logins(app_demos):
    out = StringIO()
    call_command("demo", stdout=out)
    first = out.getvalue().splitlines()
    assert first[0] == "The demo district was created."
    assert first[1].startswith("Assets: ready (") and first[1].endswith(" s)")
    assert first[2].startswith("Supplies: ready (")
    assert first[3:5] == [
        "Demo district: 太平街道办事处中心学校",
        "Password for every demo login: houqin2026",
    ]
    assert any(line.startswith("zhoujianguo ") for line in first)
    assert app_demos == [("assets", "TPZX"), ("supplies", "TPZX")]
    before = counts()
    out = StringIO()
    call_command("demo", stdout=out)
    second = out.getvalue().splitlines()
    assert second[0] == "The demo district is already there; nothing was changed."
    assert second[3:] == first[3:]
    assert counts() == before
    # The apps' demos are asked again; each leaves a district that has its records alone.
    assert app_demos == [("assets", "TPZX"), ("supplies", "TPZX")] * 2


def test_app_demo_builders_follow_installed_apps():
    builders = app_demo_builders()
    order = [c.label for c in apps.get_app_configs()]
    labels = [config.label for config, _build in builders]
    assert "core" not in labels
    assert labels == sorted(labels, key=order.index)
    for config, build in builders:
        assert build is importlib.import_module(f"{config.name}.demo").build_demo


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
