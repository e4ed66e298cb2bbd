"""Filters of the change log page and API, and of the attachments and notifications APIs."""

import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from ..forms import users_for_school
from ..models import Attachment, ChangeAction, ChangeLogEntry, Notification, School, User
from . import ScopedFilterSet


def houqin_app_labels():
    return [c.label for c in apps.get_app_configs() if c.name.startswith("houqin.")]


class ContentTypeChoiceField(forms.ModelChoiceField):
    """Object types by the names people use ("room"), not table names."""

    def label_from_instance(self, obj):
        model = obj.model_class()
        return str(model._meta.verbose_name) if model is not None else obj.model


class ContentTypeFilter(django_filters.ModelChoiceFilter):
    field_class = ContentTypeChoiceField


def _object_types(request):
    return ContentType.objects.filter(app_label__in=houqin_app_labels()).order_by("app_label", "model")


def _actors(request):
    # Built from the request itself, so the list is scoped without relying on the base class.
    user = getattr(request, "user", None)
    scope = getattr(request, "scope", None)
    if user is None or not user.is_authenticated or not scope:
        return User.objects.none()
    return users_for_school(scope)


def _schools(request):
    user = getattr(request, "user", None)
    scope = getattr(request, "scope", None)
    if user is None or not user.is_authenticated or not scope:
        return School.objects.none()
    return School.objects.for_user(user).in_scope(scope).order_by("path")


def filter_object_type(queryset, name, value):
    """`app_label.model` ("core.room"), the API's readable form of the object type."""
    app_label, _sep, model = (value or "").strip().lower().partition(".")
    if not app_label or not model:
        return queryset.none()
    return queryset.filter(**{f"{name}__app_label": app_label, f"{name}__model": model})


class ChangeLogFilterSet(ScopedFilterSet):
    search_fields = ("object_repr", "actor_name")
    actor = django_filters.ModelChoiceFilter(queryset=_actors, label=_("by"))
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices, label=_("action"))
    content_type = ContentTypeFilter(queryset=_object_types, label=_("object type"))
    # One object's entries ("all changes" from its History tab); hidden on the page form.
    object_type = django_filters.CharFilter(
        field_name="content_type",
        method="filter_object_type",
        label=_("object type (app.model)"),
        widget=forms.HiddenInput,
    )
    object_id = django_filters.CharFilter(
        field_name="object_id", label=_("object id"), widget=forms.HiddenInput
    )
    school = django_filters.ModelChoiceFilter(queryset=_schools, label=_("school"))
    date_from = django_filters.DateFilter(
        field_name="time",
        lookup_expr="date__gte",
        label=_("from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="time",
        lookup_expr="date__lte",
        label=_("to"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = ChangeLogEntry
        fields = []

    def filter_object_type(self, queryset, name, value):
        return filter_object_type(queryset, name, value)


class AttachmentFilterSet(ScopedFilterSet):
    """The attachments API: one object's files (object_type + object_id), or all in scope."""

    search_fields = ("original_name", "description")
    object_type = django_filters.CharFilter(
        field_name="content_type", method="filter_object_type", label=_("object type (app.model)")
    )
    object_id = django_filters.NumberFilter(field_name="object_id", label=_("object id"))
    is_image = django_filters.BooleanFilter(field_name="is_image", label=_("image"))

    class Meta:
        model = Attachment
        fields = []

    def filter_object_type(self, queryset, name, value):
        return filter_object_type(queryset, name, value)


class NotificationFilterSet(django_filters.FilterSet):
    """Per user, not per school: the queryset is already the user's own rows."""

    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("unread"))

    class Meta:
        model = Notification
        fields = []
