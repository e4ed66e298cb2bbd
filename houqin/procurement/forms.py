"""Forms of purchasing: they check the shape of the input; the services check the rules."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houqin.core.forms import ScopedModelForm, users_for_school
from houqin.core.models import Department, Room

from .choices import AssetTracking, LineKind
from .models import PurchaseRequest, Supplier, SupplierCertificate
from .services import links
from .services.common import number_text


class DateInput(forms.DateInput):
    """A browser date picker: its value is always ISO (a zh-hans "2026/11/21" would show empty)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or "%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos or scans in one input (delivery photos, the signed delivery note)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*,.pdf", "capture": "environment"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PeopleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return str(obj)


class SupplierForm(ScopedModelForm):
    class Meta:
        model = Supplier
        fields = [
            "name",
            "credit_code",
            "contact_person",
            "phone",
            "email",
            "address",
            "bank_account",
            "goods",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class SupplierCertificateForm(ScopedModelForm):
    class Meta:
        model = SupplierCertificate
        fields = ["supplier", "kind", "number", "issued_by", "issued_on", "expires_on", "note"]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        supplier = self.fields["supplier"]
        supplier.queryset = (
            supplier.queryset.filter(school=self.school)
            if self.school is not None
            else supplier.queryset.none()
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


# ---------------------------------------------------------------------------------------------
# Purchase requests


class PurchaseRequestForm(ScopedModelForm):
    class Meta:
        model = PurchaseRequest
        fields = ["title", "department", "reason", "budget_line", "is_urgent", "needed_by"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3}), "needed_by": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        department.queryset = (
            Department.objects.filter(school=self.school).order_by("sort_order", "name")
            if self.school is not None
            else Department.objects.none()
        )


class RequestLineForm(forms.Form):
    """One line of a request; the item's or category's list is the request's school's."""

    kind = forms.ChoiceField(label=_("Kind"), choices=LineKind.choices, initial=LineKind.SUPPLY)
    item = forms.ModelChoiceField(label=_("Supply item"), queryset=None, required=False)
    asset_category = forms.ModelChoiceField(label=_("Asset category"), queryset=None, required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    specification = forms.CharField(label=_("Specification"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=14, decimal_places=3, min_value=Decimal("0.001")
    )
    estimated_unit_price = forms.DecimalField(
        label=_("Estimated unit price (yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
    room = forms.ModelChoiceField(label=_("For room"), queryset=None, required=False)
    store = forms.ModelChoiceField(label=_("Into store"), queryset=None, required=False)
    asset_tracking = forms.ChoiceField(
        label=_("Asset cards"), choices=AssetTracking.choices, initial=AssetTracking.BATCH
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = links.items_for(school)
        self.fields["asset_category"].queryset = links.categories_for(school)
        self.fields["room"].queryset = Room.objects.filter(school=school, is_active=True).select_related(
            "building"
        )
        self.fields["store"].queryset = links.stores_for(school)
        for name in ("quantity", "estimated_unit_price"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, school, **kwargs):
        self.school = school
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"school": self.school}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            use_required_attribute=False,
            school=self.school,
        )
        self.add_fields(form, None)
        return form

    def lines(self):
        """The filled-in lines, for the service."""
        out = []
        for form in self.forms:
            if not form.has_changed() or (self.can_delete and self._should_delete_form(form)):
                continue
            out.append(dict(form.cleaned_data))
        return out

    def clean(self):
        if any(self.errors):
            return
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError(_("Add at least one line."))


RequestLineFormSet = forms.formset_factory(RequestLineForm, formset=BaseLineFormSet, extra=1, can_delete=True)


def line_initial(line):
    return {
        "kind": line.kind,
        "item": line.item_id,
        "asset_category": line.asset_category_id,
        "name": line.name,
        "specification": line.specification,
        "unit": line.unit,
        "quantity": number_text(line.quantity),
        "estimated_unit_price": line.estimated_unit_price,
        "room": line.room_id,
        "store": line.store_id,
        "asset_tracking": line.asset_tracking,
    }


# ---------------------------------------------------------------------------------------------
# Quotes


def _price_field(label):
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )


class QuoteForm(forms.Form):
    """A supplier's quote: a unit price for every line of the request."""

    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=None)
    quoted_on = forms.DateField(label=_("Quoted on"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())
    contact_person = forms.CharField(label=_("Quoted by"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_obj = request
        quoted = request.quotes.values("supplier_id")
        self.fields["supplier"].queryset = Supplier.objects.filter(
            school=request.school, is_blocked=False
        ).exclude(pk__in=quoted)
        self.fields["quoted_on"].initial = timezone.localdate()
        self.lines = list(request.lines.order_by("position", "pk"))
        for line in self.lines:
            self.fields[f"price_{line.pk}"] = _price_field(
                _("Unit price: %(line)s × %(qty)s %(unit)s")
                % {"line": line, "qty": number_text(line.quantity), "unit": line.unit}
            )

    def price_fields(self):
        return [self[f"price_{line.pk}"] for line in self.lines]

    def head_fields(self):
        return [self[name] for name in ("supplier", "quoted_on", "valid_until", "contact_person", "note")]

    def prices(self):
        return {line.pk: self.cleaned_data[f"price_{line.pk}"] for line in self.lines}


class ComparisonForm(forms.Form):
    chosen_quote = forms.ModelChoiceField(
        label=_("Chosen quote"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    signers = PeopleField(label=_("Signed by"), queryset=None)
    reason = forms.CharField(
        label=_("Reason for the choice"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the chosen quote is not the cheapest."),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        quotes = request.quotes.select_related("supplier").order_by("total", "pk")
        self.fields["chosen_quote"].queryset = quotes
        self.fields["chosen_quote"].label_from_instance = lambda q: f"{q.supplier} · {q.total}"
        self.fields["signers"].queryset = users_for_school(request.school)
        cheapest = quotes.first()
        if cheapest is not None:
            self.fields["chosen_quote"].initial = cheapest.pk


# ---------------------------------------------------------------------------------------------
# Orders


class OrderForm(forms.Form):
    """An order of a request's remaining lines: quantity and (where no quote fixes it) price."""

    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=None)
    ordered_on = forms.DateField(label=_("Ordered on"), widget=DateInput())
    expected_on = forms.DateField(label=_("Delivery expected by"), widget=DateInput())
    buyers = PeopleField(label=_("Buyers"), queryset=None)
    delivery_place = forms.CharField(label=_("Deliver to"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, request, lines, supplier=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        school = request.school
        self.lines = lines
        self.fixed_supplier = supplier
        suppliers = Supplier.objects.filter(school=school, is_blocked=False)
        if supplier is not None:
            suppliers = suppliers.filter(pk=supplier.pk)
            self.fields["supplier"].initial = supplier.pk
            self.fields["supplier"].empty_label = None
        self.fields["supplier"].queryset = suppliers
        self.fields["buyers"].queryset = users_for_school(school)
        if user is not None:
            self.fields["buyers"].initial = [user.pk]
        self.fields["ordered_on"].initial = timezone.localdate()
        for entry in lines:
            line = entry["request_line"]
            self.fields[f"quantity_{line.pk}"] = forms.DecimalField(
                label=_("Quantity: %(line)s") % {"line": line},
                max_digits=14,
                decimal_places=3,
                min_value=0,
                initial=number_text(entry["quantity"]),
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )
            price = _price_field(_("Unit price: %(line)s") % {"line": line})
            price.initial = entry["unit_price"]
            if supplier is not None:
                price.disabled = True
            self.fields[f"unit_price_{line.pk}"] = price

    def line_rows(self):
        return [
            {
                "line": e["request_line"],
                "quantity": self[f"quantity_{e['request_line'].pk}"],
                "price": self[f"unit_price_{e['request_line'].pk}"],
                "left": e["quantity"],
            }
            for e in self.lines
        ]

    def head_fields(self):
        return [self[n] for n in ("supplier", "ordered_on", "expected_on", "delivery_place", "note")]

    def order_lines(self):
        out = []
        for entry in self.lines:
            line = entry["request_line"]
            quantity = self.cleaned_data.get(f"quantity_{line.pk}")
            if not quantity:
                continue
            price = (
                None if self.fixed_supplier is not None else self.cleaned_data.get(f"unit_price_{line.pk}")
            )
            out.append({"request_line": line, "quantity": quantity, "unit_price": price})
        return out


# ---------------------------------------------------------------------------------------------
# Inspections


class InspectionForm(forms.Form):
    """One delivery: per order line the accepted and rejected quantities, the reason, and where
    accepted goods go (a store for supplies, a room for equipment)."""

    inspected_on = forms.DateField(label=_("Inspected on"), widget=DateInput())
    inspectors = PeopleField(label=_("Inspectors"), queryset=None)
    delivery_note_number = forms.CharField(label=_("Delivery note number"), max_length=60, required=False)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("Photos and delivery documents"), required=False)

    def __init__(self, *args, order, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        school = order.school
        self.order = order
        self.fields["inspected_on"].initial = timezone.localdate()
        self.fields["inspectors"].queryset = users_for_school(school)
        if user is not None:
            self.fields["inspectors"].initial = [user.pk]
        self.order_lines = [
            ol
            for ol in order.lines.select_related(
                "request_line__store", "request_line__room__building"
            ).order_by("request_line__position", "pk")
            if ol.quantity > ol.received_quantity
        ]
        rooms = Room.objects.filter(school=school, is_active=True).select_related("building")
        stores = links.stores_for(school)
        number = {"max_digits": 14, "decimal_places": 3, "min_value": 0, "required": False}
        for ol in self.order_lines:
            line = ol.request_line
            due = ol.quantity - ol.received_quantity
            attrs = {"inputmode": "decimal", "step": "1" if line.kind == LineKind.EQUIPMENT else "any"}
            self.fields[f"accepted_{ol.pk}"] = forms.DecimalField(
                label=_("Accepted"), initial=number_text(due), widget=forms.NumberInput(attrs=attrs), **number
            )
            self.fields[f"rejected_{ol.pk}"] = forms.DecimalField(
                label=_("Rejected"), initial=0, widget=forms.NumberInput(attrs=attrs), **number
            )
            self.fields[f"reason_{ol.pk}"] = forms.CharField(
                label=_("Why rejected"), max_length=200, required=False
            )
            if line.kind == LineKind.EQUIPMENT:
                self.fields[f"room_{ol.pk}"] = forms.ModelChoiceField(
                    label=_("To room"), queryset=rooms, required=False, initial=line.room_id
                )
            else:
                self.fields[f"store_{ol.pk}"] = forms.ModelChoiceField(
                    label=_("Into store"), queryset=stores, required=False, initial=line.store_id
                )
                self.fields[f"lot_{ol.pk}"] = forms.CharField(label=_("Lot"), max_length=40, required=False)
                self.fields[f"expiry_{ol.pk}"] = forms.DateField(
                    label=_("Expiry date"), required=False, widget=DateInput()
                )

    def line_rows(self):
        rows = []
        for ol in self.order_lines:
            names = ["accepted", "rejected", "reason", "room", "store", "lot", "expiry"]
            fields = {n: self[f"{n}_{ol.pk}"] for n in names if f"{n}_{ol.pk}" in self.fields}
            rows.append({"order_line": ol, "due": ol.quantity - ol.received_quantity, **fields})
        return rows

    def head_fields(self):
        return [self[n] for n in ("inspected_on", "delivery_note_number", "invoice_number", "note", "files")]

    def inspection_lines(self):
        out = []
        for ol in self.order_lines:
            data = self.cleaned_data
            out.append(
                {
                    "order_line": ol,
                    "accepted": data.get(f"accepted_{ol.pk}") or 0,
                    "rejected": data.get(f"rejected_{ol.pk}") or 0,
                    "reason": data.get(f"reason_{ol.pk}", ""),
                    "store": data.get(f"store_{ol.pk}"),
                    "room": data.get(f"room_{ol.pk}"),
                    "lot": data.get(f"lot_{ol.pk}", ""),
                    "expiry_date": data.get(f"expiry_{ol.pk}"),
                }
            )
        return out


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("The end of the period is before its start."))
        return data
