"""API of the organisation: /api/core/memberships/ (list, read, add, remove; adding and removing
need core.manage_members) and /api/core/semesters/ (the district's terms readable by its
schools), through the same FilterSets, selectors and services as the pages."""

from .. import access
from ..filtersets.org import MembershipFilterSet
from ..filtersets.places import SemesterFilterSet
from ..models import Membership, Semester
from ..registry import registry
from ..selectors.org import reading_school, semester_list, semesters_visible
from ..services.org import membership_add, membership_remove
from .base import ScopedModelViewSet, ScopedPermission
from .serializers import MembershipSerializer, SemesterSerializer

MANAGE = "core.manage_members"


class MembershipPermission(ScopedPermission):
    """Reading needs core.view_membership; adding and removing need core.manage_members (the
    service checks it again at the node where the role is given)."""

    def _perm(self, request, view):
        if request.method in ("POST", "DELETE"):
            return MANAGE
        return super()._perm(request, view)


class MembershipViewSet(ScopedModelViewSet):
    """People with roles in the active scope."""

    permission_classes = [MembershipPermission]
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    @property
    def entry(self):
        return registry.get(Membership)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = membership_add(
            actor=self.request.user,
            user=data["user"],
            school=data.get("school") or self.request.scope,
            role=data["role"],
            department=data.get("department"),
            title=data.get("title", ""),
        )

    def perform_destroy(self, instance):
        membership_remove(actor=self.request.user, membership=instance)


class SemesterPermission(ScopedPermission):
    """A semester set above the user's schools is read with the permission at the scope."""

    def has_object_permission(self, request, view, obj):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            school = reading_school(request.user, obj, request.scope)
            return access.has_perm(request.user, self._perm(request, view), school)
        return super().has_object_permission(request, view, obj)


class SemesterViewSet(ScopedModelViewSet):
    """Semesters that apply in the scope (the district's included); written only where the
    user holds the permission, through the semester services."""

    permission_classes = [SemesterPermission]
    serializer_class = SemesterSerializer
    filterset_class = SemesterFilterSet

    @property
    def entry(self):
        return registry.get(Semester)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # OpenAPI schema generation
            return Semester.objects.none()
        user = self.request.user
        if self.detail:
            qs = semesters_visible(user)
            if self.request.method not in ("GET", "HEAD", "OPTIONS"):
                qs = qs.filter(school_id__in=access.visible_school_ids(user)) if not user.is_superuser else qs
            return qs.select_related("school")
        return (
            semester_list(user=user, scope=self.request.scope)
            .select_related("school")
            .order_by(*self.default_ordering())
        )
