"""Forms of the asset register: they check the shape of the input; the services check the rules."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.forms import ScopedModelForm, scope_field_querysets
from houqin.core.models import Department, Room, School, SchoolKind, User

from .choices import (
    MANUAL,
    AssetCondition,
    AssetStatus,
    DisposalGround,
    DisposalMethod,
    IncidentKind,
    LoanKind,
)
from .models import Asset, AssetCategory
from .selectors import categories_available
from .services.categories import depreciation_classes


def _class_choices(school):
    keys = sorted(depreciation_classes(school)) if school is not None else []
    return [("", _("As the category"))] + [(k, k) for k in keys]


def _at_most(field, most):
    """A whole-number field that refuses more than `most` (the form is built per card)."""
    field.max_value = most
    field.validators.append(MaxValueValidator(most))
    field.widget.attrs["max"] = most


def _scoped(fields, user, school):
    """Scope the model choice fields of a plain form like a ScopedModelForm's."""
    scope_field_querysets(fields, user, school)


class DateInput(forms.DateInput):
    input_type = "date"


class AssetForm(ScopedModelForm):
    """The card. Adding, it also says how many, where and with whom the asset starts; editing,
    only the card details change (moves and the rest have their own forms)."""

    quantity = forms.IntegerField(
        label=_("quantity"), initial=1, help_text=_("More than 1 for a counted batch.")
    )
    room = forms.ModelChoiceField(queryset=Room.objects.all(), required=False, label=_("room"))
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(), required=False, label=_("department")
    )
    custodian = forms.ModelChoiceField(queryset=User.objects.all(), required=False, label=_("custodian"))
    used_by = forms.ModelChoiceField(queryset=User.objects.all(), required=False, label=_("user"))
    status = forms.ChoiceField(
        label=_("status"), choices=[(s, AssetStatus(s).label) for s in (AssetStatus.IN_USE, AssetStatus.IDLE)]
    )
    depreciation_class = forms.ChoiceField(label=_("depreciation class"), required=False)
    START_FIELDS = ("quantity", "room", "department", "custodian", "used_by", "status")

    class Meta:
        model = Asset
        fields = [
            "name",
            "category",
            "tracking",
            "specification",
            "model_number",
            "brand",
            "serial_number",
            "manufacturer",
            "unit",
            "unit_price",
            "depreciation_class",
            "acquired_on",
            "booked_on",
            "invoice_number",
            "voucher_number",
            "funding_source",
            "procurement_form",
            "acquisition_method",
            "supplier",
            "contract_number",
            "warranty_until",
            "use_purpose",
            "note",
        ]
        widgets = {
            "acquired_on": DateInput(),
            "booked_on": DateInput(),
            "warranty_until": DateInput(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        school = self.instance.school if self.instance.pk else self.school
        if school is not None:
            self.fields["category"].queryset = categories_available(user=self.user, school=school)
        self.fields["depreciation_class"].choices = _class_choices(school)
        self.fields["unit"].help_text = _("Empty: the category's unit.")
        if self.instance.pk:
            for name in self.START_FIELDS:
                del self.fields[name]
            self.fields["tracking"].disabled = True

    def service_data(self):
        data = super().service_data()
        for name in self.START_FIELDS:
            if name in self.cleaned_data:
                data[name] = self.cleaned_data[name]
        return data


class AssetCategoryForm(ScopedModelForm):
    """A school's own sub-category under a class it can see."""

    depreciation_class = forms.ChoiceField(label=_("depreciation class"), required=False)

    class Meta:
        model = AssetCategory
        fields = [
            "parent",
            "code",
            "name",
            "unit",
            "depreciation_class",
            "kind_key",
            "special_equipment",
            "bulk_like",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        school = self.instance.school if self.instance.pk else self.school
        self.fields["depreciation_class"].choices = _class_choices(school)
        if self.instance.pk:
            del self.fields["parent"]
            self.fields["code"].disabled = True
        else:
            self.fields["parent"].queryset = (
                AssetCategory.objects.for_user(self.user).available_to(school).filter(is_active=True)
                if school is not None
                else AssetCategory.objects.none()
            )
            self.fields["parent"].required = True
            self.fields["code"].required = False
            self.fields["code"].help_text = _("Empty: the parent's code with a running number.")

    def validate_unique(self):
        """The service checks uniqueness within the school."""


class MoveForm(forms.Form):
    """Where (part of) a card goes and who keeps it. Fields left as they are do not change."""

    quantity = forms.IntegerField(label=_("how many"), required=False, min_value=1)
    room = forms.ModelChoiceField(queryset=Room.objects.all(), required=False, label=_("room"))
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(), required=False, label=_("department")
    )
    custodian = forms.ModelChoiceField(queryset=User.objects.all(), required=False, label=_("custodian"))
    used_by = forms.ModelChoiceField(queryset=User.objects.all(), required=False, label=_("user"))
    occurred_on = forms.DateField(label=_("date"), required=False, widget=DateInput())
    note = forms.CharField(label=_("note"), required=False, max_length=200)
    TARGETS = ("room", "department", "custodian", "used_by")

    def __init__(self, *args, user, asset, **kwargs):
        initial = kwargs.setdefault("initial", {})
        for name in self.TARGETS:
            initial.setdefault(name, getattr(asset, f"{name}_id"))
        initial.setdefault("quantity", asset.quantity)
        initial.setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.asset = asset
        _scoped(self.fields, user, asset.school)
        self.fields["room"].queryset = self.fields["room"].queryset.filter(
            school=asset.school, is_active=True
        )
        self.fields["department"].queryset = self.fields["department"].queryset.filter(school=asset.school)
        if not asset.is_batch:
            del self.fields["quantity"]
        else:
            _at_most(self.fields["quantity"], asset.quantity)
            self.fields["quantity"].help_text = _("Of %(n)s; part of a batch is split off and moves.") % {
                "n": asset.quantity
            }

    def changes(self):
        """{target: new value} for the targets whose value differs from the card's."""
        out = {}
        for name in self.TARGETS:
            value = self.cleaned_data.get(name)
            if (value.pk if value is not None else None) != getattr(self.asset, f"{name}_id"):
                out[name] = value
        return out


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=[(s, AssetStatus(s).label) for s in sorted(MANUAL)])
    condition = forms.ChoiceField(
        label=_("condition"),
        choices=[(c, AssetCondition(c).label) for c in (AssetCondition.GOOD, AssetCondition.WORN)],
    )
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class SplitForm(forms.Form):
    quantity = forms.IntegerField(label=_("how many to split off"), min_value=1)


class LendForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=LoanKind.choices)
    quantity = forms.IntegerField(label=_("how many"), required=False, min_value=1)
    borrower = forms.ModelChoiceField(queryset=User.objects.all(), required=False, label=_("borrower"))
    borrower_name = forms.CharField(label=_("borrower (no login)"), required=False, max_length=60)
    borrower_department = forms.ModelChoiceField(
        queryset=Department.objects.all(), required=False, label=_("department")
    )
    borrower_class = forms.CharField(label=_("class"), required=False, max_length=40)
    purpose = forms.CharField(label=_("purpose"), required=False, max_length=200)
    lent_on = forms.DateField(label=_("lent on"), required=False, widget=DateInput())
    due_on = forms.DateField(
        label=_("due on"),
        required=False,
        widget=DateInput(),
        help_text=_("An issue is due at the end of the semester."),
    )

    def __init__(self, *args, user, asset, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("lent_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        _scoped(self.fields, user, asset.school)
        self.fields["borrower_department"].queryset = self.fields["borrower_department"].queryset.filter(
            school=asset.school
        )
        if asset.is_batch:
            self.fields["quantity"].initial = asset.quantity
            _at_most(self.fields["quantity"], asset.quantity)
        else:
            del self.fields["quantity"]


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("returned on"), required=False, widget=DateInput())
    condition = forms.ChoiceField(label=_("condition"), choices=AssetCondition.choices)
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("returned_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one input (the phone's camera or gallery)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class IncidentReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("what happened"), choices=IncidentKind.choices)
    quantity = forms.IntegerField(label=_("how many"), required=False, min_value=1)
    occurred_on = forms.DateField(label=_("date"), required=False, widget=DateInput())
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_party = forms.CharField(label=_("who caused it"), required=False, max_length=100)
    photos = MultipleFileField(label=_("photos"), required=False)

    def __init__(self, *args, asset, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        if asset.is_batch:
            self.fields["quantity"].initial = asset.quantity
            _at_most(self.fields["quantity"], asset.quantity)
        else:
            del self.fields["quantity"]


class RepairStartForm(forms.Form):
    started_on = forms.DateField(label=_("started on"), required=False, widget=DateInput())
    repairer = forms.CharField(label=_("repaired by"), required=False, max_length=100)
    reference = forms.CharField(label=_("work order"), required=False, max_length=40)
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class RepairFinishForm(forms.Form):
    finished_on = forms.DateField(label=_("finished on"), required=False, widget=DateInput())
    repaired = forms.TypedChoiceField(
        label=_("result"),
        choices=[("1", _("Repaired")), ("0", _("Beyond repair"))],
        coerce=lambda v: v == "1",
    )
    cost = forms.DecimalField(label=_("cost (yuan)"), required=False, min_value=0, decimal_places=2)
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class CompensationForm(forms.Form):
    payer = forms.ModelChoiceField(queryset=User.objects.all(), required=False, label=_("payer (login)"))
    payer_name = forms.CharField(label=_("payer"), required=False, max_length=60)

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        _scoped(self.fields, user, school)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("amount (yuan)"), min_value=0, decimal_places=2)
    paid_on = forms.DateField(label=_("paid on"), required=False, widget=DateInput())
    receipt_number = forms.CharField(label=_("receipt number"), required=False, max_length=60)


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("what was done or found"), widget=forms.Textarea(attrs={"rows": 2}))
    police_report_number = forms.CharField(label=_("police report number"), required=False, max_length=60)
    recovered = forms.BooleanField(label=_("the property was found"), required=False)
    found_on = forms.DateField(label=_("date"), required=False, widget=DateInput())


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=200)


class SignoffForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class LinesMixin:
    """One quantity field per chosen card ("qty_<id>"), the whole card by default."""

    def add_lines(self, assets):
        self.assets = list(assets)
        for asset in self.assets:
            field = forms.IntegerField(
                label=str(asset), min_value=1, max_value=asset.quantity, initial=asset.quantity, required=True
            )
            field.widget.attrs["class"] = "qty"
            self.fields[f"qty_{asset.pk}"] = field

    def line_rows(self):
        """(card, its quantity field) for the table of lines."""
        return [(a, self[f"qty_{a.pk}"]) for a in self.assets]

    def main_fields(self):
        """The document's own fields, without the lines."""
        return [f for f in self.visible_fields() if not f.name.startswith("qty_")]

    def lines(self):
        return [(a, self.cleaned_data.get(f"qty_{a.pk}")) for a in self.assets]


class DisposalForm(LinesMixin, forms.Form):
    method = forms.ChoiceField(label=_("method"), choices=DisposalMethod.choices)
    ground = forms.ChoiceField(label=_("ground"), choices=DisposalGround.choices)
    reason = forms.CharField(label=_("explanation"), widget=forms.Textarea(attrs={"rows": 3}))
    justification = forms.CharField(
        label=_("reason for disposing before the minimum life"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    appraisal = forms.CharField(
        label=_("technical appraisal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    proceeds = forms.DecimalField(
        label=_("expected proceeds (yuan)"), required=False, min_value=0, decimal_places=2
    )

    def __init__(self, *args, assets, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_lines(assets)


class DisposalOutcomeForm(forms.Form):
    approval_document_number = forms.CharField(
        label=_("approval document number"), required=False, max_length=60
    )
    proceeds = forms.DecimalField(label=_("proceeds (yuan)"), required=False, min_value=0, decimal_places=2)


class TransferForm(LinesMixin, forms.Form):
    to_school = forms.ModelChoiceField(queryset=School.objects.none(), label=_("to school"))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, school, assets, **kwargs):
        super().__init__(*args, **kwargs)
        district = school.nearest(SchoolKind.DISTRICT)
        # Every school of the district receives, including ones the requester cannot open.
        self.fields["to_school"].queryset = (
            School.objects.subtree(district)
            .filter(is_active=True)
            .exclude(pk=school.pk)
            .exclude(kind=SchoolKind.BUREAU)
            if district is not None
            else School.objects.none()
        )
        self.add_lines(assets)
