"""The choices of the asset reports (group by, category level, semester), read from the query
string by the pages and the API alike. Missing values take the defaults."""

from django import forms
from django.utils.translation import gettext_lazy as _

from houqin.core.models import Semester

from .selectors_reports import GROUPINGS, LEVELS, default_semester, semesters_for

DEFAULT_BY = "category"
DEFAULT_LEVEL = 1


class LevelForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Category level"),
        choices=[(str(k), v) for k, v in LEVELS.items()],
        coerce=int,
        required=False,
        empty_value=DEFAULT_LEVEL,
        initial=str(DEFAULT_LEVEL),
    )

    def level_or_default(self):
        if self.is_valid():
            return self.cleaned_data["level"]
        return DEFAULT_LEVEL


class LedgerForm(LevelForm):
    by = forms.ChoiceField(
        label=_("Group by"), choices=list(GROUPINGS.items()), required=False, initial=DEFAULT_BY
    )

    field_order = ["by", "level"]

    def by_or_default(self):
        if self.is_valid():
            return self.cleaned_data["by"] or DEFAULT_BY
        return DEFAULT_BY


class SemesterForm(forms.Form):
    semester = forms.ModelChoiceField(label=_("Semester"), queryset=Semester.objects.none(), required=False)

    def __init__(self, *args, user, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.scope = user, scope
        self.fields["semester"].queryset = semesters_for(user=user, scope=scope)

    def semester_or_default(self):
        """The semester asked for; the current one when none (or a foreign one) is asked for."""
        if self.is_valid() and self.cleaned_data["semester"] is not None:
            return self.cleaned_data["semester"]
        return default_semester(user=self.user, scope=self.scope)
