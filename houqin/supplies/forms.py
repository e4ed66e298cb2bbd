"""Forms of the supplies pages: they check the shape of the input; the services check the rules.
Every choice list is scoped to the record's school."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from houqin.core.forms import ScopedModelForm, scope_field_querysets
from houqin.core.models import Department, Room, RoomKind, School, Semester, User

from .models import Item, Kit, Store

QUANTITY_ATTRS = {"step": "0.001", "min": "0", "inputmode": "decimal"}


def quantity_field(label=None, required=True, min_value=Decimal("0.001")):
    return forms.DecimalField(
        label=label if label is not None else _("Quantity"),
        required=required,
        max_digits=14,
        decimal_places=3,
        min_value=min_value,
        widget=forms.NumberInput(attrs=QUANTITY_ATTRS),
    )


class ScopedForm(forms.Form):
    """A plain form whose model choice lists hold only rows of `school` the user may see."""

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.school = school
        scope_field_querysets(self.fields, user, school)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "date"


class ItemForm(ScopedModelForm):
    class Meta:
        model = Item
        fields = [
            "name",
            "spec",
            "code",
            "unit",
            "category",
            "min_stock",
            "shelf_life_days",
            "reference_price",
            "is_active",
            "note",
        ]


class StoreForm(ScopedModelForm):
    class Meta:
        model = Store
        fields = ["name", "room", "keeper", "is_active", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = self.fields["room"].queryset.select_related("building")


# --- stock operations ------------------------------------------------------------------------


class ReceiveForm(ScopedForm):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.filter(is_active=True))
    quantity = quantity_field()
    unit_cost = forms.DecimalField(
        label=_("Unit cost (yuan)"),
        max_digits=14,
        decimal_places=4,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.0001"}),
    )
    lot = forms.CharField(label=_("Lot"), max_length=40, required=False)
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=forms.DateInput())
    reference = forms.CharField(label=_("Reference (delivery note, invoice)"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class IssueForm(ScopedForm):
    quantity = quantity_field()
    issued_to = forms.ModelChoiceField(label=_("Receiver"), queryset=User.objects.all())
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    room = forms.ModelChoiceField(
        label=_("Class / room"), queryset=Room.objects.select_related("building"), required=False
    )
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TransferForm(ScopedForm):
    to_store = forms.ModelChoiceField(label=_("To store"), queryset=Store.objects.filter(is_active=True))
    quantity = quantity_field()
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def __init__(self, *args, exclude_store=None, **kwargs):
        super().__init__(*args, **kwargs)
        if exclude_store is not None:
            self.fields["to_store"].queryset = self.fields["to_store"].queryset.exclude(pk=exclude_store.pk)


class AdjustForm(ScopedForm):
    counted = quantity_field(label=_("Counted quantity"), min_value=Decimal("0"))
    reason = forms.CharField(label=_("Reason"), max_length=200)
    unit_cost = forms.DecimalField(
        label=_("Unit cost of a surplus (yuan)"),
        max_digits=14,
        decimal_places=4,
        min_value=0,
        required=False,
        help_text=_("Empty: the average cost."),
    )
    lot = forms.CharField(label=_("Lot of a surplus"), max_length=40, required=False)
    expiry_date = forms.DateField(
        label=_("Expiry date of a surplus"), required=False, widget=forms.DateInput()
    )


class ReturnForm(forms.Form):
    quantity = quantity_field()
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("What was wrong"), max_length=200)


# --- requisitions ----------------------------------------------------------------------------


class RequisitionForm(ScopedForm):
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False
    )
    room = forms.ModelChoiceField(
        label=_("For a class"),
        queryset=Room.objects.filter(kind=RoomKind.CLASSROOM, is_active=True).select_related("building"),
        required=False,
        help_text=_("The class head then signs for the supplies."),
    )


class LineForm(ScopedForm):
    item = forms.ModelChoiceField(
        label=_("Item"), queryset=Item.objects.filter(is_active=True), required=False
    )
    quantity = quantity_field(required=False)
    note = forms.CharField(label=_("Note"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        if data.get("item") and not data.get("quantity"):
            self.add_error("quantity", _("Enter the quantity."))
        if data.get("quantity") and not data.get("item"):
            self.add_error("item", _("Choose the item."))
        return data


class KitLineForm(LineForm):
    note = None
    per_pupil = forms.BooleanField(label=_("per pupil"), required=False)


class BaseLineFormSet(forms.BaseFormSet):
    """Line forms that know the user and school; empty rows are left out."""

    def __init__(self, *args, user, school, **kwargs):
        self.user = user
        self.school = school
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"user": self.user, "school": self.school}

    def lines(self):
        return [f.cleaned_data for f in self.forms if f.cleaned_data.get("item")]


def line_formset(form_class, data=None, *, user, school, initial=None, blank_rows=4):
    """A formset of `form_class` lines: the `initial` rows, then `blank_rows` empty ones."""
    initial = list(initial or [])
    formset_class = forms.formset_factory(
        form_class, formset=BaseLineFormSet, extra=blank_rows, max_num=50, absolute_max=50
    )
    return formset_class(data=data, user=user, school=school, initial=initial, prefix="lines")


class RequisitionIssueForm(ScopedForm):
    """The store to issue from, and a quantity per open line (default: all that is open)."""

    store = forms.ModelChoiceField(label=_("From store"), queryset=Store.objects.filter(is_active=True))

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            field = quantity_field(label=str(line.item), required=False, min_value=Decimal("0"))
            field.initial = line.open
            field.widget.attrs["max"] = str(line.open)
            self.fields[f"line_{line.pk}"] = field
        stores = self.fields["store"].queryset
        if stores.count() == 1:
            self.fields["store"].initial = stores.first().pk

    def quantities(self):
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") for line in self.lines}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


# --- kits and allotments ---------------------------------------------------------------------


class KitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class AllotmentForm(ScopedForm):
    title = forms.CharField(label=_("Title"), max_length=100)
    kit = forms.ModelChoiceField(label=_("Kit"), queryset=Kit.objects.filter(is_active=True))
    store = forms.ModelChoiceField(label=_("From store"), queryset=Store.objects.filter(is_active=True))
    semester = forms.ModelChoiceField(label=_("Semester"), queryset=Semester.objects.none(), required=False)
    rooms = forms.ModelMultipleChoiceField(
        label=_("Classes"),
        queryset=Room.objects.filter(kind=RoomKind.CLASSROOM, is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        school = self.school
        # Semesters are set at the central school: those of the school and the nodes above it.
        self.fields["semester"].queryset = (
            Semester.objects.filter(school__in=School.objects.ancestors_of(school)).order_by("-start_date")
            if school is not None
            else Semester.objects.none()
        )
        rooms = self.fields["rooms"]
        rooms.queryset = rooms.queryset.select_related("building", "responsible").order_by(
            "building__name", "floor", "number"
        )
        no_head = _("no class head")  # outside the f-string, where makemessages sees it
        rooms.label_from_instance = lambda room: (
            f"{room.name or room.number} · {room.responsible or no_head} · {room.capacity}"
        )
        if not self.is_bound:
            self.initial.setdefault("rooms", [r.pk for r in rooms.queryset if r.responsible_id])


class PupilsForm(forms.Form):
    pupils = forms.IntegerField(label=_("Pupils"), min_value=0, max_value=1000)
