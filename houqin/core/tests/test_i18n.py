"""The Simplified Chinese catalogue: complete, placeholders intact, used by default, English on request."""

import datetime
import re

import polib
import pytest
from django.conf import settings

from houqin.core.i18n import compile_catalogues
from houqin.core.tests.factories import RoomFactory, SemesterFactory

PO_PATH = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
BACKEND = "houqin.core.auth.MembershipBackend"
# %(name)s / %(count)d style, a bare %s, and the escaped percent sign.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|%%")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(PO_PATH))


def placeholders(text):
    return sorted(set(PLACEHOLDER.findall(text)))


def test_catalogue_header(catalogue):
    assert catalogue.metadata["Language"] == "zh_Hans"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not catalogue.metadata_is_fuzzy


def test_every_entry_is_translated_and_checked(catalogue):
    assert len(catalogue) > 0
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []
    # A "#| msgid_plural" without its "#| msgid" is a syntax error for msgmerge (makemessages).
    assert [e.msgid for e in catalogue if e.previous_msgid_plural and not e.previous_msgid] == []
    # Chinese has one plural form: exactly one msgstr per plural entry.
    assert [e.msgid for e in catalogue if e.msgid_plural and sorted(e.msgstr_plural) != [0]] == []


def test_every_placeholder_is_kept(catalogue):
    broken = []
    for e in catalogue:
        if e.msgid_plural:
            pairs = [(e.msgid_plural, e.msgstr_plural[0])]
            # The singular's placeholders must survive in the one Chinese form too.
            if not set(placeholders(e.msgid)) <= set(placeholders(e.msgstr_plural[0])):
                broken.append(e.msgid)
        else:
            pairs = [(e.msgid, e.msgstr)]
        for source, target in pairs:
            if placeholders(source) != placeholders(target):
                broken.append(source)
    assert broken == []


def test_interface_text_is_chinese_not_english(catalogue):
    """A msgstr copied from its msgid (forgotten translation) shows English to Chinese users."""
    # Units and file-format names that read the same in Chinese.
    same_in_chinese = {"API", "°C", "Word"}
    copied = [e.msgid for e in catalogue if not e.msgid_plural and e.msgstr == e.msgid]
    assert [m for m in copied if m not in same_in_chinese] == []


def test_catalogue_compiles_once(tmp_path):
    source = tmp_path / "locale"
    (source / "zh_Hans" / "LC_MESSAGES").mkdir(parents=True)
    (source / "zh_Hans" / "LC_MESSAGES" / "django.po").write_bytes(PO_PATH.read_bytes())
    target = tmp_path / "compiled"

    compiled = compile_catalogues(source, target)

    mo_path = target / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    assert compiled == [mo_path]
    mo = polib.mofile(str(mo_path))
    assert mo.find("Log in").msgstr == "登录"
    # Unchanged .po: nothing is rewritten.
    assert compile_catalogues(source, target) == []


def test_login_page_is_chinese_by_default(client):
    response = client.get("/accounts/login/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in html
    assert "<title>登录 · 后勤管理</title>" in html
    assert "<h1>后勤管理系统</h1>" in html
    assert ">登录</button>" in html
    # Django's own catalogue labels the form fields.
    assert "用户名" in html
    assert "密码" in html
    assert "Log in" not in html


def _set_language(client, code, next_url):
    response = client.post("/i18n/setlang/", {"language": code, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == code


def test_language_switch_to_english_and_back(client):
    _set_language(client, "en", "/accounts/login/")

    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "<title>Log in · Houqin</title>" in html
    assert "<h1>Houqin · school logistics</h1>" in html
    assert "登录" not in html

    _set_language(client, "zh-hans", "/accounts/login/")

    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<h1>后勤管理系统</h1>" in html


def test_room_list_in_chinese_then_english(client, school_a, head_a):
    RoomFactory(school=school_a, number="101")
    client.force_login(head_a, backend=BACKEND)

    html = client.get("/core/rooms/").content.decode()
    assert "<h1>房间</h1>" in html
    assert "<title>房间 · 后勤管理</title>" in html
    assert "共 1 条记录" in html
    assert "教室" in html  # the room kind
    assert ">我要报修</a>" in html  # navigation
    assert ">退出登录</button>" in html

    _set_language(client, "en", "/core/rooms/")

    html = client.get("/core/rooms/").content.decode()
    assert "<h1>Rooms</h1>" in html
    assert "1 record" in html
    assert "Classroom" in html
    assert ">Report a fault</a>" in html
    assert "房间" not in html.split("<main", 1)[1].split("<table", 1)[0]


def test_dates_follow_the_language(client, school_a, head_a):
    SemesterFactory(
        school=school_a, start_date=datetime.date(2026, 9, 1), end_date=datetime.date(2027, 1, 20)
    )
    client.force_login(head_a, backend=BACKEND)

    html = client.get("/core/semesters/").content.decode()
    assert "2026年9月1日" in html
    assert "2027年1月20日" in html

    _set_language(client, "en", "/core/semesters/")

    html = client.get("/core/semesters/").content.decode()
    assert "2026年9月1日" not in html
    assert "09/01/2026" in html


def test_the_django_admin_is_not_installed(client, head_a):
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    client.force_login(head_a, backend=BACKEND)
    assert client.get("/admin/").status_code == 404


def _source_msgids():
    """The msgids written as literals in the code and templates: _("…"), gettext("…"),
    gettext_lazy("…") and {% trans "…" %} (what makemessages would extract, for the common
    forms; blocktrans and plural forms are left to makemessages)."""
    import ast

    names = {"_", "gettext", "gettext_lazy"}
    found = {}
    root = settings.BASE_DIR
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(root)}:{node.lineno}")
    trans = re.compile(r"""{%\s*trans(?:late)?\s+(["'])(.+?)\1""")
    for path in (root / "templates").rglob("*.html"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in trans.finditer(line):
                found.setdefault(match.group(2), f"{path.relative_to(root)}:{n}")
    return found


def test_every_string_in_the_code_is_in_the_catalogue(catalogue):
    """The catalogue can only be complete if makemessages ran: a string added to the code and
    never extracted would show in English on a Chinese page without the other tests noticing."""
    known = {e.msgid for e in catalogue}
    missing = {msgid: where for msgid, where in _source_msgids().items() if msgid and msgid not in known}
    assert missing == {}
