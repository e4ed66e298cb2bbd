"""Forms of the approval pages: submit a general request, decide a step, edit a policy's steps.

They check the shape of the input only; the services check the rules.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..approvals import kind_choices
from ..models import ApprovalLevel, Decision, Role


class ApprovalSubmitForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you ask for and why."),
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Leave empty when no money is involved."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting."),
    )
    # The step the decider was looking at, so a late second click cannot decide the next one.
    step = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class ApprovalPolicyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document kind"), choices=())
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("An inactive policy is skipped: the policy of the node above applies."),
    )

    def __init__(self, *args, kind_fixed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
        if kind_fixed:
            self.fields["kind"].disabled = True


class ApprovalStepForm(forms.Form):
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.order_by("sort_order", "code"))
    level = forms.ChoiceField(label=_("Level"), choices=ApprovalLevel.choices, initial=ApprovalLevel.SCHOOL)
    max_amount = forms.DecimalField(
        label=_("Final up to (yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )


ApprovalStepFormSet = forms.formset_factory(ApprovalStepForm, extra=2, can_delete=True, max_num=12)


def steps_from_formset(formset):
    """The filled, not deleted rows of a valid step formset, in page order, for the service."""
    steps = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or data.get("role") is None:
            continue
        steps.append({"role": data["role"], "level": data["level"], "max_amount": data.get("max_amount")})
    return steps
