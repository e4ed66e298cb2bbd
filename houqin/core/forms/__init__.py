"""Form base classes: every choice list a user sees is scoped to what they may see."""

import copy

from django import forms
from django.db.models import Q

from .. import access
from ..models import School, User


def users_for_school(school):
    """People who hold a membership covering `school` (or at a node below it)."""
    ancestors = school.ancestor_paths()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__school__path__in=ancestors) | Q(memberships__school__path__startswith=school.path)
        )
        .distinct()
        .order_by("full_name", "username")
    )


def scope_field_querysets(fields, user, school):
    """Limit the querysets of model choice fields to rows of `school` the user may see."""
    school = school or None  # request.scope is a lazy object that may wrap None
    for field in fields.values():
        qs = getattr(field, "queryset", None)
        if qs is None:
            continue
        model = qs.model
        if model is User:
            field.queryset = users_for_school(school) if school is not None else User.objects.none()
        elif model is School:
            field.queryset = (
                qs.filter(id__in=access.visible_school_ids(user)) if not user.is_superuser else qs
            )
        elif hasattr(qs, "for_user"):
            qs = qs.for_user(user)
            field.queryset = qs.in_scope(school) if school is not None else qs


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that knows the acting user and the school the record belongs to."""

    def __init__(self, *args, user, school, **kwargs):
        # Validation writes the input onto the form's instance; work on a copy so the caller's
        # record is unchanged until the service saves it (and snapshots it for the change log).
        if kwargs.get("instance") is not None:
            kwargs["instance"] = copy.copy(kwargs["instance"])
        super().__init__(*args, **kwargs)
        self.user = user
        self.school = school
        scope_field_querysets(self.fields, user, school)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.DateInput) and not isinstance(widget, forms.DateTimeInput):
                # <input type="date"> only understands ISO dates, whatever the language's format.
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"

    def service_data(self):
        """Cleaned data for the service: model fields only (the service does the saving)."""
        names = set(self._meta.fields or []) if self._meta.fields != "__all__" else None
        return {k: v for k, v in self.cleaned_data.items() if names is None or k in names}
