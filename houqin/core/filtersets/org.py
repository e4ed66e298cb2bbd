"""The people list's filters, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ..models import Department, Membership, Role, School
from . import ScopedFilterSet


class MembershipFilterSet(ScopedFilterSet):
    search_fields = ("user__username", "user__full_name", "user__phone", "title")
    role = django_filters.ModelChoiceFilter(label=_("Role"), queryset=Role.objects.all())
    school = django_filters.ModelChoiceFilter(label=_("Organisation unit"), queryset=School.objects.all())
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=Department.objects.all())

    class Meta:
        model = Membership
        fields = ["role", "school", "department"]
