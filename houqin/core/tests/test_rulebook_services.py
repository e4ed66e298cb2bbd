"""Setting and clearing rule overrides: permission, validation, change log."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from houqin.core.models import ChangeAction, ChangeLogEntry, RuleOverride
from houqin.core.rulebook import rule
from houqin.core.services.rules import rule_override_clear, rule_override_set
from houqin.core.tests.factories import member

KEY = "assets.capitalisation_threshold"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rule_log():
    return list(ChangeLogEntry.objects.filter(object_repr__contains=" @ ").order_by("id"))


def test_set_creates_an_override_and_logs_it(supervisor, district, school_a):
    override = rule_override_set(
        actor=supervisor, school=district, key=KEY, value="1500", source="县财政局〔2024〕3号", note="local"
    )
    assert override.school == district
    assert override.value == "1500.00"
    assert (override.source, override.note) == ("县财政局〔2024〕3号", "local")
    assert RuleOverride.objects.count() == 1
    assert rule(KEY, school_a) == Decimal("1500.00")
    [entry] = rule_log()
    assert entry.action == ChangeAction.CREATE
    assert entry.actor == supervisor
    assert entry.school == district
    assert entry.object_repr == f"{KEY} @ {district.name}"
    assert entry.changes["value"] == [None, "1500.00"]
    assert entry.changes["key"] == [None, KEY]
    assert entry.changes["source"] == [None, "县财政局〔2024〕3号"]


def test_set_again_updates_and_logs_the_difference(supervisor, district):
    first = rule_override_set(actor=supervisor, school=district, key=KEY, value="1500")
    second = rule_override_set(actor=supervisor, school=district, key=KEY, value="1800.5", note="raised")
    assert second.pk == first.pk
    assert RuleOverride.objects.get().value == "1800.50"
    create, update = rule_log()
    assert update.action == ChangeAction.UPDATE
    assert update.changes == {"value": ["1500.00", "1800.50"], "note": ["", "raised"]}


def test_setting_the_same_value_writes_no_log_row(supervisor, district):
    rule_override_set(actor=supervisor, school=district, key=KEY, value="1500")
    rule_override_set(actor=supervisor, school=district, key=KEY, value="1500.00")
    assert [e.action for e in rule_log()] == [ChangeAction.CREATE]


def test_json_table_override(supervisor, district, school_b):
    bands = [
        {"role": "head_of_logistics", "level": "school", "up_to": 1000},
        {"role": "principal", "level": "school", "up_to": None},
    ]
    rule_override_set(actor=supervisor, school=district, key="approval.default_bands", value=bands)
    assert rule("approval.default_bands", school_b) == bands
    rule_override_set(
        actor=supervisor,
        school=district,
        key="approval.default_bands",
        value='[{"role": "principal", "level": "school", "up_to": null}]',
    )
    assert rule("approval.default_bands", school_b) == [
        {"role": "principal", "level": "school", "up_to": None}
    ]


def test_clear_removes_and_logs(supervisor, district, school_a):
    override = rule_override_set(actor=supervisor, school=district, key=KEY, value="1500")
    rule_override_clear(actor=supervisor, school=district, key=KEY)
    assert not RuleOverride.objects.exists()
    assert rule(KEY, school_a) == Decimal("1000.00")
    create, delete = rule_log()
    assert delete.action == ChangeAction.DELETE
    assert delete.object_id == str(override.pk)
    assert delete.changes["value"] == ["1500.00", None]
    assert delete.school == district


def test_clear_without_override_is_refused(supervisor, district):
    with pytest.raises(ValidationError) as exc:
        rule_override_clear(actor=supervisor, school=district, key=KEY)
    assert list(exc.value.message_dict) == ["key"]
    assert rule_log() == []


@pytest.mark.parametrize(
    "key, value, field",
    [
        (KEY, "abc", "value"),
        (KEY, "-5", "value"),
        ("canteen.sample_hours", "2.5", "value"),
        ("canteen.sample_temperature_range", "{not json", "value"),
        ("canteen.sample_temperature_range", '{"min": 0}', "value"),
        ("approval.default_bands", '[{"role": "principal"}]', "value"),
        ("no.such_rule", "1", "key"),
    ],
)
def test_bad_input_changes_nothing(supervisor, district, school_a, key, value, field):
    rule_override_set(actor=supervisor, school=district, key=KEY, value="1500")
    before_log = len(rule_log())
    with pytest.raises(ValidationError) as exc:
        rule_override_set(actor=supervisor, school=district, key=key, value=value)
    assert field in exc.value.message_dict
    assert list(RuleOverride.objects.values_list("key", "value")) == [(KEY, "1500.00")]
    assert len(rule_log()) == before_log
    assert rule(KEY, school_a) == Decimal("1500.00")


def test_too_long_source_is_refused(supervisor, district):
    with pytest.raises(ValidationError) as exc:
        rule_override_set(actor=supervisor, school=district, key=KEY, value="1500", source="x" * 301)
    assert list(exc.value.message_dict) == ["source"]
    assert not RuleOverride.objects.exists()


def test_teacher_may_not_set(teacher_a, school_a):
    with pytest.raises(PermissionDenied):
        rule_override_set(actor=teacher_a, school=school_a, key=KEY, value="1500")
    assert not RuleOverride.objects.exists()
    assert rule_log() == []


def test_head_of_logistics_may_not_set(head_a, school_a):
    with pytest.raises(PermissionDenied):
        rule_override_set(actor=head_a, school=school_a, key=KEY, value="1500")
    assert not RuleOverride.objects.exists()


def test_another_districts_admin_may_not_set_or_clear(supervisor, district, school_a, other_district):
    stranger = member(other_district, "admin")
    with pytest.raises(PermissionDenied):
        rule_override_set(actor=stranger, school=school_a, key=KEY, value="1")
    rule_override_set(actor=supervisor, school=school_a, key=KEY, value="1500")
    with pytest.raises(PermissionDenied):
        rule_override_clear(actor=stranger, school=school_a, key=KEY)
    assert list(RuleOverride.objects.values_list("school_id", "value")) == [(school_a.pk, "1500.00")]
    assert len(rule_log()) == 1


def test_school_supervisor_sets_for_one_school_only(supervisor, school_a, school_b):
    rule_override_set(actor=supervisor, school=school_a, key=KEY, value="500")
    assert rule(KEY, school_a) == Decimal("500.00")
    assert rule(KEY, school_b) == Decimal("1000.00")


def test_school_admin_may_not_set_at_the_district(school_a, district):
    admin_a = member(school_a, "admin")
    rule_override_set(actor=admin_a, school=school_a, key=KEY, value="500")
    with pytest.raises(PermissionDenied):
        rule_override_set(actor=admin_a, school=district, key=KEY, value="500")
    assert list(RuleOverride.objects.values_list("school_id", flat=True)) == [school_a.pk]
