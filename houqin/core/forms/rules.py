"""Forms of the rule book pages: the list filter and the override editor.

The editor only collects text; the service validates it against the rule (kind, shape of
the default) and its errors are shown on the "value" field.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..rulebook import GROUPS, Kind, format_value


class RuleFilterForm(forms.Form):
    group = forms.ChoiceField(label=_("Group"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("All groups")), *GROUPS.items()]


class RuleOverrideForm(forms.Form):
    """The value of one rule at one node, with the document it comes from."""

    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=300,
        help_text=_("The document and number that sets this value here."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, definition, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        field = self._value_field(definition)
        field.label = _("Value")
        self.fields = {"value": field, **self.fields}
        if current is not None and not self.is_bound:
            self.initial.setdefault("value", self._initial(definition, current))

    @staticmethod
    def _value_field(definition):
        kind = definition.kind
        if kind == Kind.BOOLEAN:
            return forms.ChoiceField(choices=[("true", _("Yes")), ("false", _("No"))])
        if kind == Kind.TEXT and definition.extra.get("choices"):
            return forms.ChoiceField(choices=[(c, c) for c in definition.extra["choices"]])
        if kind == Kind.JSON:
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 14, "cols": 70, "class": "code", "spellcheck": "false"}),
                help_text=_("A table in JSON, with the same shape as the national default."),
            )
        if kind in (Kind.DECIMAL, Kind.INTEGER):
            mode = "decimal" if kind == Kind.DECIMAL else "numeric"
            return forms.CharField(
                max_length=40, widget=forms.TextInput(attrs={"inputmode": mode}), help_text=definition.unit
            )
        return forms.CharField(max_length=200)

    @staticmethod
    def _initial(definition, stored):
        if definition.kind == Kind.BOOLEAN:
            return "true" if stored else "false"
        return format_value(definition, stored, pretty=True)
