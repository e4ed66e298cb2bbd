"""Forms of the ledger import: the upload, and the column mapping (one choice per card field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services.imports import FIELDS, REQUIRED


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ledger (.xlsx)"),
        help_text=_(
            "An Excel workbook with one row per asset or batch: title rows, a header over one or two "
            "rows, blank rows and a 合计 row are fine."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class MappingForm(forms.Form):
    """For each card field, the column of the sheet it is read from (or none)."""

    def __init__(self, *args, asset_import, **kwargs):
        super().__init__(*args, **kwargs)
        columns = asset_import.layout.get("columns", [])
        untitled = _("(no header)")
        choices = [("", "—")] + [
            (str(c["index"]), f"{c['letter']} · {c['label'] or untitled}") for c in columns
        ]
        required = {name for group in REQUIRED for name in group}
        mapping = asset_import.mapping or {}
        for name, label in FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=str(mapping[name]) if name in mapping else "",
            )
            self.fields[name].needed = name in required

    def mapping(self):
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
