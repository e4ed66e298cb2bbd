"""Forms of the people and roles pages (shape only: the services check the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import access
from ..models import Department, Role, School, User
from ..permissions import PERMISSIONS
from ..selectors.org import people_of_school


class MembershipAddForm(forms.Form):
    """Give a role to an existing person, or create the person's login at the same time."""

    school = forms.ModelChoiceField(
        label=_("Organisation unit"), queryset=School.objects.none(), empty_label=None
    )
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.all())
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=60, required=False)
    user = forms.ModelChoiceField(
        label=_("Existing person"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Choose a person who already has a login, or fill in the new person below."),
    )
    username = forms.CharField(label=_("Username"), max_length=150, required=False)
    full_name = forms.CharField(label=_("Full name"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    NEW_USER_FIELDS = ("username", "full_name", "phone", "email", "password")

    def __init__(self, *args, user, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = user
        nodes = School.objects.for_user(user).in_scope(scope).order_by("path")
        managed = [n.pk for n in nodes if access.has_perm(user, "core.manage_members", n)]
        self.fields["school"].queryset = School.objects.filter(pk__in=managed).order_by("path")
        self.fields["department"].queryset = (
            Department.objects.for_user(user).in_scope(scope).select_related("school")
        )
        self.fields["user"].queryset = people_of_school(scope)
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name} ({u.username})"
        self.fields["department"].label_from_instance = lambda d: f"{d.school} · {d.name}"
        if scope is not None and scope.pk in managed:
            self.initial.setdefault("school", scope.pk)

    def clean(self):
        data = super().clean()
        new = any(data.get(f) for f in ("username", "full_name", "password"))
        if data.get("user") and new:
            raise forms.ValidationError(_("Choose an existing person or fill in a new one, not both."))
        if not data.get("user") and not new:
            raise forms.ValidationError(_("Choose an existing person or fill in a new one."))
        if new:
            for name in ("username", "full_name", "password"):
                if not data.get(name):
                    self.add_error(name, _("This field is required for a new person."))
        return data

    @property
    def creates_user(self):
        return not self.cleaned_data.get("user")


class RolePermissionsForm(forms.Form):
    """The role editor: one checkbox per catalogue permission; ticked = granted at the node."""

    granted = forms.MultipleChoiceField(
        label=_("Permissions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["granted"].choices = sorted((code, str(label)) for code, label in PERMISSIONS.items())
