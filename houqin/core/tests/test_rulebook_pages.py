"""Rule book pages and API: value in force at the scope, origin, editing, permissions, scoping."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from houqin.core.models import ChangeLogEntry, RuleOverride
from houqin.core.rulebook import RULES, rule
from houqin.core.services.rules import rule_override_set
from houqin.core.tests.factories import member

KEY = "assets.capitalisation_threshold"
NAME = "Capitalisation threshold (fixed asset unit value)"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def login(client, user, scope=None):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    if scope is not None:
        response = client.post(reverse("scope_switch"), {"scope": scope.pk, "next": "/"})
        assert response.status_code == 302
    return client


def detail_url(key=KEY):
    return reverse("core:rule_detail", kwargs={"key": key})


@pytest.fixture
def overrides(supervisor, district, school_a, school_b, other_district, school_x):
    """The district lowers the threshold, school B lowers it further, another district too."""
    rule_override_set(actor=supervisor, school=district, key=KEY, value="800", source="县文件〔2024〕1号")
    rule_override_set(actor=supervisor, school=school_b, key=KEY, value="500", note="B only")
    rule_override_set(actor=None, school=other_district, key=KEY, value="300", note="elsewhere")


# --- list ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    for url in (reverse("core:rule_list"), detail_url(), reverse("core:rule_edit", kwargs={"key": KEY})):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_list_shows_value_in_force_and_origin(client, head_a, overrides, district):
    response = login(client, head_a).get(reverse("core:rule_list"))
    assert response.status_code == 200
    rows = {r.key: r for _code, _label, rs in response.context["groups"] for r in rs}
    assert rows[KEY].value == Decimal("800.00")
    assert rows[KEY].origin == district
    assert rows["canteen.sample_hours"].origin is None
    # Core's groups first, in this order (apps may add groups after them).
    assert [code for code, _label, _rows in response.context["groups"]][:8] == [
        "assets",
        "procurement",
        "approval",
        "canteen",
        "safety",
        "health",
        "finance",
        "facilities",
    ]
    html = response.content.decode()
    assert NAME in html
    assert "800.00" in html
    assert district.name in html
    assert "National default" in html
    assert "B only" not in html


def test_list_filters_by_group_and_text(client, head_a):
    login(client, head_a)
    response = client.get(reverse("core:rule_list"), {"group": "canteen"})
    keys = [r.key for _c, _l, rs in response.context["groups"] for r in rs]
    assert "canteen.sample_hours" in keys
    assert all(k.startswith("canteen.") for k in keys)
    response = client.get(reverse("core:rule_list"), {"q": "sample"})
    keys = {r.key for _c, _l, rs in response.context["groups"] for r in rs}
    assert {"canteen.sample_min_grams", "canteen.sample_hours", "canteen.sample_temperature_range"} <= keys
    assert KEY not in keys
    response = client.get(reverse("core:rule_list"), {"q": "no such words anywhere"})
    assert response.context["count"] == 0
    assert "No rule matches." in response.content.decode()


def test_list_htmx_renders_only_results(client, head_a):
    response = login(client, head_a).get(
        reverse("core:rule_list"), {"group": "safety"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "Longest interval between evacuation drills" in html


def test_xlsx_export(client, head_a, overrides, district):
    response = login(client, head_a).get(reverse("core:rule_list"), {"group": "assets", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Group", "Key", "Rule", "Value in force")
    row = next(r for r in rows if r[1] == KEY)
    assert row[3] == "800.00"
    assert row[5] == district.name
    assert row[6] == "1000.00"
    assert len(rows) == 1 + sum(1 for k in RULES if k.startswith("assets."))


def test_export_needs_the_export_permission(client, teacher_a):
    response = login(client, teacher_a).get(reverse("core:rule_list"), {"export": "xlsx"})
    assert response.status_code == 403


def test_teacher_reads_the_list(client, teacher_a):
    response = login(client, teacher_a).get(reverse("core:rule_list"))
    assert response.status_code == 200
    assert "Export xlsx" not in response.content.decode()


# --- detail ----------------------------------------------------------------------------------


def test_detail_shows_path_and_history(client, head_a, overrides, district, school_a):
    response = login(client, head_a).get(detail_url())
    assert response.status_code == 200
    assert response.context["row"].origin == district
    assert [(node, o.value if o else None) for node, o, _t in response.context["path"]] == [
        (district, "800.00"),
        (school_a, None),
    ]
    assert list(response.context["below"]) == []
    [(entry, changes)] = response.context["history"]
    assert (entry.school, entry.action) == (district, "create")
    assert ("value", "—", "800.00") in changes
    html = response.content.decode()
    assert "县文件〔2024〕1号" in html
    assert "inherited" in html
    assert "Set the value of" not in html  # head of logistics may not edit rules


def test_foreign_overrides_are_invisible(client, head_a, overrides):
    """School B's and the other district's values show neither in the path, nor below, nor in history."""
    html = login(client, head_a).get(detail_url()).content.decode()
    assert "B only" not in html
    assert "elsewhere" not in html
    assert "500.00" not in html
    assert "300.00" not in html


def test_district_user_sees_values_below(client, supervisor, overrides, school_b, district):
    response = login(client, supervisor).get(detail_url())
    assert response.context["scope"] == district
    assert [(o.school, o.value) for o, _text in response.context["below"]] == [(school_b, "500.00")]
    assert [e.school for e, _changes in response.context["history"]] == [school_b, district]
    html = response.content.decode()
    assert "B only" in html
    assert "elsewhere" not in html
    assert "Set the value of" in html


def test_unknown_rule_is_404(client, head_a):
    login(client, head_a)
    assert client.get(detail_url("assets.no_such_rule")).status_code == 404
    assert client.get(reverse("core:rule_edit", kwargs={"key": "assets.no_such_rule"})).status_code == 404


def test_user_without_membership_gets_403(client, db):
    from houqin.core.tests.factories import UserFactory

    response = login(client, UserFactory()).get(reverse("core:rule_list"))
    assert response.status_code == 403


# --- edit ------------------------------------------------------------------------------------


def test_edit_needs_manage_rules(client, head_a, school_a):
    login(client, head_a)
    url = reverse("core:rule_edit", kwargs={"key": KEY})
    assert client.get(url).status_code == 403
    assert client.post(url, {"value": "1"}).status_code == 403
    assert client.post(reverse("core:rule_clear", kwargs={"key": KEY})).status_code == 403
    assert not RuleOverride.objects.exists()


def test_edit_form_shows_the_value_in_force(client, supervisor, school_a, overrides):
    response = login(client, supervisor, scope=school_a).get(reverse("core:rule_edit", kwargs={"key": KEY}))
    assert response.status_code == 200
    assert response.context["form"].initial["value"] == "800.00"


def test_set_override_by_post(client, supervisor, school_a, school_b):
    login(client, supervisor, scope=school_a)
    response = client.post(
        reverse("core:rule_edit", kwargs={"key": KEY}), {"value": "1200", "source": "校文件", "note": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url()
    override = RuleOverride.objects.get()
    assert (override.school, override.value, override.source) == (school_a, "1200.00", "校文件")
    assert rule(KEY, school_a) == Decimal("1200.00")
    assert rule(KEY, school_b) == Decimal("1000.00")
    assert ChangeLogEntry.objects.filter(object_repr__startswith=f"{KEY} @ ").count() == 1
    html = client.get(detail_url()).content.decode()
    assert "Remove the value of" in html


def test_malformed_json_gets_a_clear_error(client, supervisor):
    login(client, supervisor)
    response = client.post(
        reverse("core:rule_edit", kwargs={"key": "approval.default_bands"}),
        {"value": '[{"role": "principal",]'},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["value"]
    assert errors[0].startswith("This is not valid JSON (line 1, column")
    assert "This is not valid JSON" in response.content.decode()
    assert not RuleOverride.objects.exists()
    assert not ChangeLogEntry.objects.filter(object_repr__contains=" @ ").exists()


def test_json_of_the_wrong_shape_is_refused(client, supervisor):
    login(client, supervisor)
    response = client.post(
        reverse("core:rule_edit", kwargs={"key": "approval.default_bands"}),
        {"value": '[{"role": "principal", "level": "school"}]'},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["value"] == ["#1: missing up_to."]
    assert not RuleOverride.objects.exists()


def test_clear_override_by_post(client, supervisor, district, overrides, school_a):
    login(client, supervisor)
    response = client.post(reverse("core:rule_clear", kwargs={"key": KEY}))
    assert response.status_code == 302
    assert not RuleOverride.objects.filter(school=district).exists()
    assert rule(KEY, school_a) == Decimal("1000.00")
    # Clearing again says there is nothing to clear and changes nothing.
    response = client.post(reverse("core:rule_clear", kwargs={"key": KEY}), follow=True)
    assert "has no value of its own" in response.content.decode()
    assert RuleOverride.objects.count() == 2


def test_clear_is_post_only(client, supervisor):
    response = login(client, supervisor).get(reverse("core:rule_clear", kwargs={"key": KEY}))
    assert response.status_code == 405


# --- API -------------------------------------------------------------------------------------


def api_url(key=None):
    return (
        reverse("core-api:rule-list") if key is None else reverse("core-api:rule-detail", kwargs={"key": key})
    )


def test_api_anonymous_is_refused(client):
    assert client.get(api_url()).status_code == 403
    assert client.get(api_url(KEY)).status_code == 403


def test_api_list(client, head_a, overrides, district):
    response = login(client, head_a).get(api_url(), {"group": "assets"})
    assert response.status_code == 200
    data = response.json()
    item = next(r for r in data["results"] if r["key"] == KEY)
    assert item["value"] == "800.00"
    assert item["national_default"] == "1000.00"
    assert item["origin"] == {"id": district.pk, "name": district.name, "kind": "district"}
    assert item["overridden_here"] is False
    assert item["certainty"] == "reported"
    assert item["group"] == "assets"
    assert all(r["group"] == "assets" for r in data["results"])
    assert data["count"] == len(data["results"])
    hours = login(client, head_a).get(api_url(), {"q": "samples kept"}).json()["results"]
    assert [(r["key"], r["value"], r["origin"]) for r in hours] == [("canteen.sample_hours", 48, None)]


def test_api_detail(client, supervisor, overrides, district, school_b):
    data = login(client, supervisor).get(api_url(KEY)).json()
    assert data["value"] == "800.00"
    assert data["overridden_here"] is True
    assert data["path"] == [
        {
            "school": {"id": district.pk, "name": district.name, "kind": "district"},
            "override": {"value": "800.00", "source": "县文件〔2024〕1号", "note": ""},
        }
    ]
    assert data["overrides_below"] == [
        {
            "school": {"id": school_b.pk, "name": school_b.name, "kind": "school"},
            "value": "500.00",
            "source": "",
            "note": "B only",
        }
    ]


def test_api_detail_hides_foreign_overrides(client, head_a, overrides):
    data = login(client, head_a).get(api_url(KEY)).json()
    assert data["overrides_below"] == []
    assert "B only" not in str(data) and "elsewhere" not in str(data)


def test_api_unknown_key_is_404(client, supervisor):
    login(client, supervisor)
    assert client.get(api_url("assets.nope")).status_code == 404
    assert (
        client.put(api_url("assets.nope"), {"value": 1}, content_type="application/json").status_code == 404
    )


def test_api_put_sets_override(client, supervisor, district, school_a):
    response = login(client, supervisor).put(
        api_url("approval.default_bands"),
        {"value": [{"role": "principal", "level": "school", "up_to": None}], "source": "中心校〔2025〕2号"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["value"] == [{"role": "principal", "level": "school", "up_to": None}]
    assert response.json()["origin"]["id"] == district.pk
    assert rule("approval.default_bands", school_a) == [
        {"role": "principal", "level": "school", "up_to": None}
    ]
    assert RuleOverride.objects.get().source == "中心校〔2025〕2号"


def test_api_put_bad_value_is_400(client, supervisor):
    login(client, supervisor)
    response = client.put(api_url(KEY), {"value": "lots"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"value": ["Enter a number."]}
    response = client.put(api_url(KEY), {"source": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["value"]
    assert not RuleOverride.objects.exists()


def test_api_put_without_permission_is_403(client, head_a, teacher_a):
    for user in (head_a, teacher_a):
        response = login(client, user).put(api_url(KEY), {"value": "1"}, content_type="application/json")
        assert response.status_code == 403
    assert not RuleOverride.objects.exists()


def test_api_other_districts_admin_cannot_reach_this_district(client, overrides, other_district, district):
    stranger = member(other_district, "admin")
    login(client, stranger)
    data = client.get(api_url(KEY)).json()
    assert data["value"] == "300.00"  # their own district's value, nothing of ours
    assert "800.00" not in str(data)
    response = client.put(api_url(KEY), {"value": "1"}, content_type="application/json")
    assert response.status_code == 200  # at their own scope
    assert RuleOverride.objects.get(school=district).value == "800.00"


def test_api_delete(client, supervisor, overrides, district, school_a):
    login(client, supervisor)
    assert client.delete(api_url(KEY)).status_code == 204
    assert not RuleOverride.objects.filter(school=district).exists()
    assert rule(KEY, school_a) == Decimal("1000.00")
    assert client.delete(api_url(KEY)).status_code == 404


def test_api_delete_without_permission_is_403(client, head_b, overrides, school_b):
    assert login(client, head_b).delete(api_url(KEY)).status_code == 403
    assert RuleOverride.objects.filter(school=school_b).exists()


def test_boolean_and_choice_rules_by_post(client, supervisor, school_a):
    login(client, supervisor)
    url = reverse("core:rule_edit", kwargs={"key": "canteen.shop_allowed_non_boarding"})
    assert client.get(url).context["form"].initial["value"] == "false"
    assert client.post(url, {"value": "true"}).status_code == 302
    assert rule("canteen.shop_allowed_non_boarding", school_a) is True
    url = reverse("core:rule_edit", kwargs={"key": "finance.service_fee_settlement"})
    response = client.post(url, {"value": "week"})
    assert response.status_code == 400
    assert "value" in response.context["form"].errors
    assert client.post(url, {"value": "month"}).status_code == 302
    assert rule("finance.service_fee_settlement", school_a) == "month"


def test_history_shows_tables_as_json(client, supervisor):
    login(client, supervisor)
    client.post(
        reverse("core:rule_edit", kwargs={"key": "canteen.sample_temperature_range"}),
        {"value": '{"min": 0, "max": 10}'},
    )
    response = client.get(detail_url("canteen.sample_temperature_range"))
    [(_entry, changes)] = response.context["history"]
    assert ("value", "—", '{"min": 0, "max": 10}') in changes


def test_api_browsable_pages_render(client, supervisor, overrides):
    login(client, supervisor)
    for url in (api_url(), api_url(KEY)):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
    assert "800.00" in client.get(api_url(KEY), HTTP_ACCEPT="text/html").content.decode()
