"""Forms of repairs and inspections: they check the shape of input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from houqin.core.forms import ScopedModelForm
from houqin.core.models import Room
from houqin.core.models.places import RoomKind

from .choices import PhotoPhase, RepairKind, Urgency
from .labels import room_label
from .models import Checklist, InspectionPlan
from .services.photos import MAX_PHOTOS

IMAGE_ACCEPT = "image/jpeg,image/png,image/gif,image/webp"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one input (a phone offers its camera and gallery)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": IMAGE_ACCEPT}))
        kwargs.setdefault("help_text", _("Up to %(n)s photos: JPEG, PNG, GIF or WebP.") % {"n": MAX_PHOTOS})
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return room_label(obj)


class RepairReportForm(forms.Form):
    """A member's report, on a phone: the room is chosen (or comes from the room's page)."""

    room = RoomChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    asset = forms.ModelChoiceField(label=_("Asset"), queryset=None, required=False, widget=forms.HiddenInput)
    location_detail = forms.CharField(label=_("Where exactly"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("What is broken"), choices=RepairKind.choices)
    urgency = forms.ChoiceField(
        label=_("How urgent"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = PhotosField(label=_("Photos"))
    reporter_phone = forms.CharField(label=_("Your phone"), max_length=20, required=False)

    def __init__(self, *args, rooms, assets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        self.fields["asset"].queryset = assets
        self.fields["location_detail"].help_text = _(
            "e.g. the second window on the left; or the place, without a room"
        )


class PublicReportForm(forms.Form):
    """The report form a room's QR code opens without login. `website` is a honeypot: people
    never see it, robots fill it in."""

    kind = forms.ChoiceField(label=_("What is broken"), choices=RepairKind.choices)
    urgency = forms.ChoiceField(
        label=_("How urgent"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    location_detail = forms.CharField(label=_("Where exactly in the room"), max_length=100, required=False)
    photos = PhotosField(label=_("Photos"))
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Your phone (optional)"), max_length=20, required=False)
    website = forms.CharField(label=_("Leave this field empty"), required=False)


class AcceptForm(forms.Form):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=RepairKind.choices)
    assignee = forms.ModelChoiceField(label=_("Worker"), queryset=None, required=False)
    contractor_name = forms.CharField(label=_("or an outside contractor"), max_length=100, required=False)
    contractor_phone = forms.CharField(label=_("Contractor's phone"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        from houqin.core.models import User

        self.fields["assignee"].queryset = User.objects.filter(pk__in=[u.pk for u in workers]).order_by(
            "full_name"
        )
        self.fields["assignee"].label_from_instance = lambda u: u.display_name


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Worker"), queryset=None, required=False)
    contractor_name = forms.CharField(label=_("or an outside contractor"), max_length=100, required=False)
    contractor_phone = forms.CharField(label=_("Contractor's phone"), max_length=20, required=False)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        from houqin.core.models import User

        self.fields["assignee"].queryset = User.objects.filter(pk__in=[u.pk for u in workers]).order_by(
            "full_name"
        )
        self.fields["assignee"].label_from_instance = lambda u: u.display_name


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not accepted"), max_length=200)


class MaterialForm(forms.Form):
    item_name = forms.CharField(label=_("Material"), max_length=100)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=10, decimal_places=2, min_value=0.01, initial=1
    )
    unit = forms.CharField(label=_("Unit"), max_length=10, required=False)
    unit_cost = forms.DecimalField(label=_("Unit cost (yuan)"), max_digits=12, decimal_places=2, min_value=0)


class StoreMaterialForm(forms.Form):
    """Take a material from the school's store: one of the balances in stock, and how much."""

    balance = forms.ModelChoiceField(label=_("From the store"), queryset=None)
    quantity = forms.DecimalField(
        label=_("Quantity"), max_digits=10, decimal_places=2, min_value=0.01, initial=1
    )

    def __init__(self, *args, balances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["balance"].queryset = balances
        self.fields["balance"].label_from_instance = lambda b: (
            _("%(item)s (%(store)s, %(quantity)s%(unit)s in stock)")
            % {
                "item": b.item,
                "store": b.store.name,
                "quantity": format(b.quantity.normalize(), "f"),
                "unit": b.item.unit,
            }
        )


class CompleteForm(forms.Form):
    labour_hours = forms.DecimalField(
        label=_("Hours worked"), max_digits=6, decimal_places=2, min_value=0, initial=0
    )
    labour_cost = forms.DecimalField(
        label=_("Labour cost (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        initial=0,
        required=False,
        help_text=_("A contractor's fee; 0 for the school's own worker."),
    )
    note = forms.CharField(label=_("What was done"), max_length=300, required=False)


class PhotoForm(forms.Form):
    phase = forms.ChoiceField(label=_("When"), choices=PhotoPhase.choices, widget=forms.RadioSelect)
    photos = PhotosField(label=_("Photos"), required=True)


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the repair?"),
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(label=_("Comment"), max_length=200, required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("What is still wrong"), max_length=200)


class ChecklistForm(ScopedModelForm):
    """A checklist and its items, one per line: “item | repair kind” (the kind may be left out)."""

    items = forms.CharField(
        label=_("Items"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="",
    )

    class Meta:
        model = Checklist
        fields = ["name", "room_kind", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = ", ".join(f"{label} ({value})" for value, label in RepairKind.choices)
        self.fields["items"].help_text = _(
            "One item per line; after a “|”, the kind of repair a failed item needs: %(kinds)s."
        ) % {"kinds": kinds}
        if self.instance.pk and not self.is_bound:
            self.initial["items"] = "\n".join(
                f"{i.text} | {i.get_repair_kind_display()}" for i in self.instance.items.order_by("position")
            )

    def clean_items(self):
        by_label = {str(label): value for value, label in RepairKind.choices}
        items = []
        for line in self.cleaned_data["items"].splitlines():
            text, _sep, kind = line.partition("|")
            kind = kind.strip()
            items.append((text.strip(), by_label.get(kind, kind) or RepairKind.OTHER))
        return items

    def service_data(self):
        data = super().service_data()
        data["items"] = self.cleaned_data["items"]
        return data


class InspectionPlanForm(ScopedModelForm):
    room_kinds = forms.MultipleChoiceField(
        label=_("Room kinds"),
        choices=RoomKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: rooms of every kind."),
    )

    class Meta:
        model = InspectionPlan
        fields = [
            "name",
            "recurrence",
            "weekday",
            "day_of_month",
            "days_before",
            "buildings",
            "room_kinds",
            "checklists",
            "inspector",
            "starts_on",
            "ends_on",
            "is_active",
            "notes",
        ]
        widgets = {
            "buildings": forms.CheckboxSelectMultiple,
            "checklists": forms.CheckboxSelectMultiple,
            "starts_on": forms.DateInput,
            "ends_on": forms.DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.school is not None:
            # Only the school's own buildings and checklists: a district plans nothing here.
            self.fields["buildings"].queryset = self.fields["buildings"].queryset.filter(school=self.school)
            self.fields["checklists"].queryset = self.fields["checklists"].queryset.filter(
                school=self.school, is_active=True
            )
        for name in ("starts_on", "ends_on"):
            self.fields[name].widget.input_type = "date"
