"""The rule book: catalogue, resolution along the tree, coercion, validation, cache."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from houqin.core.models import RuleOverride, SchoolKind
from houqin.core.rulebook import (
    GROUPS,
    RULES,
    Certainty,
    Kind,
    RuleDef,
    check_shape,
    define,
    format_value,
    rule,
    validate_value,
)
from houqin.core.services.rules import rule_override_clear, rule_override_set
from houqin.core.tests.factories import make_school

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in the source language."""
    with translation.override("en"):
        yield


# --- the catalogue ---------------------------------------------------------------------------


CORE_GROUPS = ["assets", "procurement", "approval", "canteen", "safety", "health", "finance", "facilities"]


def test_catalogue_covers_every_group_with_sources():
    assert list(GROUPS)[:8] == CORE_GROUPS
    core = [d for d in RULES.values() if d.group_code in CORE_GROUPS]
    assert 90 <= len(core) <= 120
    assert {d.group_code for d in core} == set(CORE_GROUPS)
    for d in RULES.values():
        assert str(d.source).strip(), d.key
        assert d.certainty in dict(Certainty.CHOICES), d.key
        assert str(d.name).strip(), d.key
        assert d.key.split(".")[0] in GROUPS


@pytest.mark.parametrize(
    "key, value",
    [
        ("assets.capitalisation_threshold", Decimal("1000.00")),
        ("assets.bulk_like_items_are_fixed_assets", True),
        ("procurement.min_quotes", 3),
        ("procurement.min_quote_signers", 3),
        ("procurement.public_tender_threshold", Decimal("2000000.00")),
        ("procurement.file_retention_years", 15),
        ("canteen.sample_min_grams", 125),
        ("canteen.sample_hours", 48),
        ("canteen.sample_temperature_range", {"min": 0, "max": 8}),
        ("canteen.health_certificate_months", 12),
        ("canteen.health_certificate_warning_days", 30),
        ("canteen.receivers_for_bulk_food", 2),
        ("canteen.nutrition_subsidy_per_day", Decimal("5.00")),
        ("safety.drill_max_interval_days", 31),
        ("safety.evacuation_target_seconds", 120),
        ("health.cluster_alert_one_day_cases", 3),
        ("health.pupils_per_health_technician", 600),
        ("finance.subsidy_boarder_primary_per_year", Decimal("1000.00")),
        ("finance.subsidy_boarder_junior_per_year", Decimal("1250.00")),
        ("finance.subsidy_non_boarder_share", Decimal("0.5")),
        ("finance.subsidy_publicity_days", 7),
        ("finance.petty_cash_limit", Decimal("1000.00")),
        ("finance.fee_publicity_before_charge", True),
        ("finance.fee_complaint_phone", "12358"),
        ("facilities.project_final_accounts_months", 12),
    ],
)
def test_national_defaults(key, value):
    got = rule(key)
    assert got == value
    assert type(got) is type(value)


def test_tags_of_sample_rules():
    assert RULES["canteen.sample_min_grams"].certainty == Certainty.VERBATIM
    assert RULES["procurement.quote_threshold"].certainty == Certainty.LOCAL
    assert RULES["assets.disposal_bands"].certainty == Certainty.LOCAL
    assert RULES["canteen.sample_temperature_range"].certainty == Certainty.UNVERIFIED
    assert RULES["finance.subsidy_boarder_primary_per_year"].certainty == Certainty.REPORTED
    assert "第45号" in RULES["canteen.sample_min_grams"].source


def test_depreciation_lives_include_non_depreciated_categories():
    lives = rule("assets.depreciation_lives")
    assert lives["building_steel"] == 50
    assert lives["computers"] == 6
    assert lives["furniture"] == 15
    assert {k for k, v in lives.items() if v == 0} == {
        "cultural_relics",
        "books_archives",
        "animals_plants",
        "land",
        "nominal_value_assets",
    }


def test_approval_bands_and_incompatible_duties():
    assert rule("approval.default_bands") == [
        {"role": "head_of_logistics", "level": "school", "up_to": 2000},
        {"role": "principal", "level": "school", "up_to": 20000},
        {"role": "district_supervisor", "level": "district", "up_to": None},
    ]
    assert rule("approval.incompatible_duties") == [["approver", "cashier", "bookkeeper"]]


def test_approval_levels_match_the_approval_engine():
    from houqin.core.models import ApprovalLevel
    from houqin.core.rulebook_defaults import APPROVAL_LEVELS

    assert list(ApprovalLevel.values) == APPROVAL_LEVELS
    assert {band["level"] for band in rule("approval.default_bands")} <= set(ApprovalLevel.values)


def test_define_refuses_duplicates_bad_keys_and_bad_defaults():
    with pytest.raises(ValueError, match="defined twice"):
        define(RULES["canteen.sample_hours"])
    with pytest.raises(ValueError, match="must be dotted"):
        define(RuleDef("nogroup", "x", Kind.INTEGER, 1, "src", Certainty.LOCAL))
    with pytest.raises(ValueError, match="must be dotted"):
        define(RuleDef("weather.rain", "x", Kind.INTEGER, 1, "src", Certainty.LOCAL))
    with pytest.raises(ValueError, match="default is not valid"):
        define(RuleDef("safety.test_bad", "x", Kind.INTEGER, "many", "src", Certainty.LOCAL))
    assert "safety.test_bad" not in RULES


def test_import_has_no_side_effects():
    """Importing the rule book needs no settings, database or cache."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-c", "from houqin.core.rulebook import RULES; print(len(RULES))"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    # Without Django set up only core's own catalogue loads (the apps add theirs in ready()).
    assert 100 <= int(out.stdout) <= len(RULES)


# --- resolution along the tree ----------------------------------------------------------------


@pytest.fixture
def tree(db):
    """A bureau over two central schools; the first has two schools and a teaching point."""
    bureau = make_school("县教育局", kind=SchoolKind.BUREAU)
    d1 = make_school("一中心", kind=SchoolKind.DISTRICT, parent=bureau)
    d2 = make_school("二中心", kind=SchoolKind.DISTRICT, parent=bureau)
    s1 = make_school("一小", parent=d1)
    s2 = make_school("二小", parent=d1)
    point = make_school("教学点", kind=SchoolKind.TEACHING_POINT, parent=s1)
    s3 = make_school("三小", parent=d2)
    other = make_school("外县中心", kind=SchoolKind.DISTRICT)
    return {
        "bureau": bureau,
        "d1": d1,
        "d2": d2,
        "s1": s1,
        "s2": s2,
        "point": point,
        "s3": s3,
        "other": other,
    }


KEY = "assets.capitalisation_threshold"


def test_national_default_when_no_override(tree):
    for node in tree.values():
        assert rule(KEY, node) == Decimal("1000.00")


def test_nearest_override_wins(tree):
    rule_override_set(actor=None, school=tree["bureau"], key=KEY, value="800")
    rule_override_set(actor=None, school=tree["d1"], key=KEY, value="600")
    rule_override_set(actor=None, school=tree["s1"], key=KEY, value="500")
    assert rule(KEY, tree["bureau"]) == Decimal("800.00")
    assert rule(KEY, tree["d1"]) == Decimal("600.00")
    assert rule(KEY, tree["s1"]) == Decimal("500.00")
    assert rule(KEY, tree["point"]) == Decimal("500.00")  # inherits its school's
    assert rule(KEY, tree["s2"]) == Decimal("600.00")  # sibling school: its district's
    assert rule(KEY, tree["d2"]) == Decimal("800.00")
    assert rule(KEY, tree["s3"]) == Decimal("800.00")  # other district: the bureau's
    assert rule(KEY, tree["other"]) == Decimal("1000.00")  # another tree: national
    assert rule(KEY) == Decimal("1000.00")
    # Another rule is untouched.
    assert rule("canteen.sample_hours", tree["s1"]) == 48


def test_coercion_to_rule_types(tree):
    s1 = tree["s1"]
    RuleOverride.objects.create(school=s1, key=KEY, value="1500.00")
    RuleOverride.objects.create(school=s1, key="canteen.sample_hours", value=72)
    RuleOverride.objects.create(school=s1, key="canteen.shop_allowed_non_boarding", value=True)
    value = rule(KEY, s1)
    assert value == Decimal("1500.00") and isinstance(value, Decimal)
    assert rule("canteen.sample_hours", s1) == 72
    assert rule("canteen.shop_allowed_non_boarding", s1) is True


def test_returned_tables_are_copies(tree):
    bands = rule("approval.default_bands", tree["s1"])
    bands.append({"role": "x"})
    bands[0]["up_to"] = 1
    assert rule("approval.default_bands", tree["s1"])[0]["up_to"] == 2000
    assert len(rule("approval.default_bands")) == 3


# --- the cache -------------------------------------------------------------------------------


def test_cached_read_needs_no_query(tree, django_assert_num_queries):
    rule(KEY, tree["s1"])
    with django_assert_num_queries(0):
        assert rule(KEY, tree["s1"]) == Decimal("1000.00")


def test_change_is_seen_immediately(tree):
    s1 = tree["s1"]
    assert rule(KEY, s1) == Decimal("1000.00")  # cached now
    assert rule(KEY, tree["point"]) == Decimal("1000.00")
    rule_override_set(actor=None, school=tree["d1"], key=KEY, value="700")
    assert rule(KEY, s1) == Decimal("700.00")
    assert rule(KEY, tree["point"]) == Decimal("700.00")
    rule_override_set(actor=None, school=tree["d1"], key=KEY, value="750.5")
    assert rule(KEY, s1) == Decimal("750.50")
    rule_override_clear(actor=None, school=tree["d1"], key=KEY)
    assert rule(KEY, s1) == Decimal("1000.00")


def test_rows_changed_outside_the_service_are_seen(tree):
    s1 = tree["s1"]
    assert rule(KEY, s1) == Decimal("1000.00")
    row = RuleOverride.objects.create(school=s1, key=KEY, value="900.00")
    assert rule(KEY, s1) == Decimal("900.00")
    RuleOverride.objects.filter(pk=row.pk).delete()
    assert rule(KEY, s1) == Decimal("1000.00")


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, raw, stored",
    [
        (KEY, "1500", "1500.00"),
        (KEY, " 1,500.5 ", "1500.50"),
        (KEY, 1200, "1200.00"),
        ("finance.subsidy_non_boarder_share", "0.4", "0.4"),
        ("canteen.sample_hours", "72", 72),
        ("canteen.sample_hours", 72, 72),
        ("canteen.sample_hours", 72.0, 72),
        ("canteen.shop_allowed_non_boarding", "true", True),
        ("canteen.shop_allowed_non_boarding", "no", False),
        ("canteen.shop_allowed_non_boarding", False, False),
        ("finance.service_fee_settlement", "month", "month"),
        ("finance.fee_complaint_phone", " 0916-12345 ", "0916-12345"),
        ("canteen.sample_temperature_range", '{"min": 0, "max": 10}', {"min": 0, "max": 10}),
        ("canteen.prohibited_foods", ["亚硝酸盐", "河豚"], ["亚硝酸盐", "河豚"]),
        (
            "assets.depreciation_lives",
            '{"computers": 6, "network_equipment": 8, "books_archives": 0}',
            {"computers": 6, "network_equipment": 8, "books_archives": 0},
        ),
        (
            "approval.default_bands",
            '[{"role": "principal", "level": "school", "up_to": 5000.5},'
            ' {"role": "district_supervisor", "level": "district", "up_to": null}]',
            [
                {"role": "principal", "level": "school", "up_to": 5000.5},
                {"role": "district_supervisor", "level": "district", "up_to": None},
            ],
        ),
        ("assets.always_fixed_asset_kinds", "[]", []),
        ("assets.always_fixed_asset_kinds", '["books", "desks_chairs"]', ["books", "desks_chairs"]),
    ],
)
def test_valid_values_are_normalised(key, raw, stored):
    assert validate_value(RULES[key], raw) == stored


@pytest.mark.parametrize(
    "key, raw, message",
    [
        (KEY, "abc", "Enter a number."),
        (KEY, "", "Enter a number."),
        (KEY, True, "Enter a number."),
        (KEY, "NaN", "Enter a number."),
        (KEY, "10.005", "Use at most 2 decimal places."),
        (KEY, "-1", "The value may not be less than 0."),
        ("finance.subsidy_non_boarder_share", "1.5", "The value may not be more than 1."),
        ("canteen.sample_hours", "1.5", "Enter a whole number."),
        ("canteen.sample_hours", "x", "Enter a whole number."),
        ("canteen.sample_hours", True, "Enter a whole number."),
        ("canteen.sample_hours", "0", "The value may not be less than 1."),
        ("canteen.shop_allowed_non_boarding", "maybe", "Choose yes or no."),
        ("finance.service_fee_settlement", "week", "Choose one of: semester, month."),
        ("finance.fee_complaint_phone", "  ", "Enter a text."),
        ("canteen.sample_temperature_range", "{min: 0}", "This is not valid JSON (line 1, column 2)"),
        (
            "canteen.sample_temperature_range",
            "[0, 8]",
            "the value: expected a table of named values, got a list.",
        ),
        ("canteen.sample_temperature_range", '{"min": 0}', "the value: missing max."),
        ("canteen.sample_temperature_range", '{"min": 0, "max": 8, "x": 1}', "the value: unknown x."),
        ("canteen.sample_temperature_range", '{"min": "0", "max": 8}', "min: expected a number, got a text."),
        ("canteen.sample_temperature_range", '{"min": 9, "max": 8}', "“min” may not exceed “max”."),
        ("assets.depreciation_lives", '{"computers": "six"}', "computers: expected a number, got a text."),
        ("assets.depreciation_lives", '{"computers": -1}', "may not be less than 0"),
        ("assets.depreciation_lives", "{}", "the value: may not be empty."),
        ("canteen.prohibited_foods", "[1]", "#1: expected a text, got a number."),
        ("canteen.prohibited_foods", "[]", "the value: may not be empty."),
        ("approval.default_bands", '[{"role": "principal", "up_to": 10}]', "#1: missing level."),
        (
            "approval.default_bands",
            '[{"role": "principal", "level": "school", "up_to": 10, "x": 1}]',
            "#1: unknown x.",
        ),
        (
            "approval.default_bands",
            '[{"role": null, "level": "school", "up_to": 10}]',
            "#1 → role: expected a text, got empty.",
        ),
        (
            "approval.default_bands",
            '[{"role": "a", "level": "school", "up_to": 20000}, {"role": "b", "level": "school", "up_to": 2000}]',
            "must grow from band to band",
        ),
        (
            "approval.default_bands",
            '[{"role": "a", "level": "school", "up_to": null}, {"role": "b", "level": "school", "up_to": 2000}]',
            "Only the last band may have no upper limit.",
        ),
        ("approval.incompatible_duties", '[["approver", 3]]', "#1 #2: expected a text, got a number."),
        (
            "approval.default_bands",
            '[{"role": "principal", "level": "province", "up_to": null}]',
            "#1 → level: choose one of 'school', 'district', 'bureau'.",
        ),
        (
            "assets.disposal_bands",
            '[{"up_to": null, "approver": "headmaster", "review": ""}]',
            "#1 → approver: choose one of",
        ),
    ],
)
def test_bad_values_are_refused(key, raw, message):
    with pytest.raises(ValidationError) as exc:
        validate_value(RULES[key], raw)
    assert list(exc.value.message_dict) == ["value"]
    assert any(message in m for m in exc.value.message_dict["value"]), exc.value.message_dict


def test_check_shape_rules():
    assert check_shape({"a": 1}, {"a": 2.5}) == []
    assert check_shape([{"x": 1, "y": "s"}], [{"x": 2, "y": "t"}, {"x": 3, "y": "u"}]) == []
    assert check_shape(None, {"anything": [1]}) == []
    assert check_shape({"a": 1}, {"b": 1.0}, open_keys=True) == []
    assert check_shape([], ["a", 1]) == []
    assert check_shape({"a": 1}, {"a": True}) == ["a: expected a number, got yes/no."]
    assert check_shape([["a"]], [["b"], "c"]) == ["#2: expected a list, got a text."]


def test_format_value():
    assert format_value(RULES[KEY], "1500.00") == "1500.00"
    assert format_value(RULES["canteen.shop_allowed_non_boarding"], True) == "Yes"
    assert (
        format_value(RULES["canteen.sample_temperature_range"], {"min": 0, "max": 8})
        == '{"min": 0, "max": 8}'
    )
    assert format_value(RULES["canteen.prohibited_foods"], ["四季豆"], pretty=True) == '[\n  "四季豆"\n]'


def test_pages_resolve_every_rule_as_rule_does(tree):
    """The list's bulk resolution and `rule()` agree for every rule, with and without overrides."""
    from houqin.core.selectors.rules import rule_list

    rule_override_set(actor=None, school=tree["bureau"], key=KEY, value="800")
    rule_override_set(actor=None, school=tree["s1"], key="canteen.sample_hours", value="72")
    rule_override_set(actor=None, school=tree["d1"], key="finance.service_fee_settlement", value="month")
    for node in (tree["s1"], tree["s2"], tree["point"], tree["other"]):
        rows = rule_list(scope=node)
        assert [r.key for r in rows] == sorted(RULES, key=lambda k: list(GROUPS).index(k.split(".")[0]))
        for row in rows:
            assert row.value == rule(row.key, node), (row.key, node)
    assert {r.key: r.origin for r in rule_list(scope=tree["point"]) if r.origin} == {
        KEY: tree["bureau"],
        "canteen.sample_hours": tree["s1"],
        "finance.service_fee_settlement": tree["d1"],
    }


def test_rule_list_is_one_query(tree, django_assert_num_queries):
    from houqin.core.selectors.rules import rule_list

    rule_override_set(actor=None, school=tree["bureau"], key=KEY, value="800")
    rule_override_set(actor=None, school=tree["s1"], key="canteen.sample_hours", value="72")
    with django_assert_num_queries(1):
        rows = rule_list(scope=tree["point"])
        origins = [r.origin.name for r in rows if r.origin]
    assert origins == [tree["bureau"].name, tree["s1"].name]


def test_format_value_keeps_the_defaults_key_order():
    assert (
        format_value(RULES["canteen.sample_temperature_range"], {"max": 8, "min": 0})
        == '{"min": 0, "max": 8}'
    )
    bands = [{"level": "school", "up_to": None, "role": "principal"}]
    assert (
        format_value(RULES["approval.default_bands"], bands)
        == '[{"role": "principal", "level": "school", "up_to": null}]'
    )
    lives = {"furniture": 15, "computers": 6, "extra_category": 3}
    assert (
        format_value(RULES["assets.depreciation_lives"], lives)
        == '{"computers": 6, "furniture": 15, "extra_category": 3}'
    )
