"""The login page in a real browser: Chinese by default, a wrong password refused, the right one
lands on the home page of the user's school."""

import pytest

from houqin.core.tests.factories import make_school, member

from .conftest import open_page


@pytest.fixture
def head(transactional_db):
    school = make_school("黄竹林学校")
    return member(school, "head_of_logistics", username="zhang", full_name="张老师")


def test_login_page_is_chinese_for_a_browser_in_another_language(browser, base_url):
    # Houqin offers Chinese and English; a French browser gets the default, Chinese.
    with open_page(browser, locale="fr-FR") as page:
        page.goto(f"{base_url}/accounts/login/")
        assert page.get_attribute("html", "lang") == "zh-hans"
        assert page.inner_text("label[for=id_username]").startswith("用户名")
        assert page.inner_text("label[for=id_password]").startswith("密码")
        assert page.get_attribute("form input[name=csrfmiddlewaretoken]", "type") == "hidden"


def test_wrong_password_shows_the_error_and_stays_on_the_login_page(page, base_url, login, head):
    login(page, "zhang", "wrong-password")
    assert page.url.startswith(f"{base_url}/accounts/login/")
    assert page.inner_text("[role=alert]") == "请输入一个正确的用户名和密码。注意，两者都区分大小写。"
    assert page.input_value("#id_username") == "zhang"
    assert page.input_value("#id_password") == ""


def test_right_password_lands_on_the_home_page(page, base_url, login, head):
    login(page, "zhang", "pass-1234")
    assert page.url == f"{base_url}/"
    assert page.inner_text("main h1") == "黄竹林学校"
    assert page.inner_text("header .who") == "张老师"


def test_login_works_on_a_phone(phone_page, base_url, login, head):
    login(phone_page, "zhang", "pass-1234")
    assert phone_page.url == f"{base_url}/"
    assert phone_page.inner_text("main h1") == "黄竹林学校"
    # The form fits the phone's width: nothing scrolls sideways.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
