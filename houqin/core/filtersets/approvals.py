import django_filters
from django.utils.translation import gettext_lazy as _

from ..approvals import kind_choices
from ..models import ApprovalPolicy, ApprovalRequest, ApprovalStatus, School, User
from . import ScopedFilterSet


class ApprovalRequestFilterSet(ScopedFilterSet):
    """Filters of the request list page and of /api/core/approvalrequests/."""

    search_fields = ("number", "title", "requester__full_name", "requester__username")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ApprovalStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("Document kind"), choices=kind_choices)
    requester = django_filters.ModelChoiceFilter(label=_("Requester"), queryset=User.objects.all())
    school = django_filters.ModelChoiceFilter(label=_("School"), queryset=School.objects.all())
    submitted_after = django_filters.DateFilter(
        label=_("Submitted from"), field_name="submitted_at", lookup_expr="date__gte"
    )
    submitted_before = django_filters.DateFilter(
        label=_("Submitted until"), field_name="submitted_at", lookup_expr="date__lte"
    )

    class Meta:
        model = ApprovalRequest
        fields = ["status", "kind", "requester", "school"]


class ApprovalPolicyFilterSet(ScopedFilterSet):
    search_fields = ("name", "kind")
    kind = django_filters.ChoiceFilter(label=_("Document kind"), choices=kind_choices)

    class Meta:
        model = ApprovalPolicy
        fields = ["kind", "is_active"]
