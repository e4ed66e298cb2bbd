"""Pages of the organisation: school and department pages, people (memberships), a person's
page and password, and the role editor."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse_lazy
from django.utils.translation import gettext as _
from django.views import View

from .. import access
from ..forms.org import MembershipAddForm, RolePermissionsForm
from ..models import Membership, Role, RolePermissionOverride, Room, User
from ..selectors.org import (
    pattern_description,
    pattern_matches,
    person_get,
    person_memberships,
    role_permission_states,
    school_summary,
)
from ..services.org import (
    member_create,
    membership_add,
    membership_remove,
    user_can_manage,
    user_set_password,
)
from ..services.roles import role_permission_reset, role_permissions_update
from .generic import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin, apply_validation_error

MANAGE_MEMBERS = "core.manage_members"
MANAGE_ROLES = "core.manage_roles"
VIEW_ROLE = "core.view_role"


class SchoolDetailView(ObjectDetailView):
    """A node: kind, parent, whose books it is in, what is below it and what it holds."""

    def extra_context(self, obj):
        user = self.request.user
        owner = obj.books_owner
        return {
            **school_summary(school=obj, user=user),
            "books_owner": owner if owner.pk != obj.pk else None,
            "can_add_child": obj.kind != "teaching_point" and access.has_perm(user, "core.add_school", obj),
        }


class SchoolEditView(ObjectEditView):
    """The generic form; "Add a unit here" on a school page preselects that node as parent."""

    def get_form(self, obj, school, data=None, files=None):
        initial = {}
        if obj is None and self.request.GET.get("parent", "").isdecimal():
            initial["parent"] = int(self.request.GET["parent"])
        return self.entry.form(
            data=data, files=files, instance=obj, user=self.request.user, school=school, initial=initial
        )


class DepartmentDetailView(ObjectDetailView):
    def extra_context(self, obj):
        user = self.request.user
        members = (
            Membership.objects.for_user(user).filter(department=obj).select_related("user", "role", "school")
            if access.has_perm(user, "core.view_membership", obj.school)
            else Membership.objects.none()
        )
        rooms = (
            Room.objects.for_user(user).filter(department=obj).select_related("building", "responsible")
            if access.has_perm(user, "core.view_room", obj.school)
            else Room.objects.none()
        )
        return {"members": members, "rooms": rooms}


class MembershipListView(ObjectListView):
    """People with roles in the active scope: filter by role, school, department; export."""

    def base_context(self, **extra):
        ctx = super().base_context(**extra)
        scope = self.request.scope
        ctx["can_manage"] = bool(scope) and access.has_perm(self.request.user, MANAGE_MEMBERS, scope)
        return ctx


class MembershipAddView(ScopedViewMixin, View):
    """Give a role at a node the actor manages, to an existing person or a new one."""

    template_name = "core/org/membership_add.html"

    def get_form(self, data=None):
        scope = self.scope_or_403()
        form = MembershipAddForm(data=data, user=self.request.user, scope=scope)
        if not form.fields["school"].queryset.exists():
            raise PermissionDenied
        return form

    def render_form(self, form, status=200):
        return render(self.request, self.template_name, {"form": form}, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if not form.is_valid():
            return self.render_form(form, status=400)
        data = form.cleaned_data
        common = {
            "actor": request.user,
            "school": data["school"],
            "role": data["role"],
            "department": data.get("department"),
            "title": data.get("title", ""),
        }
        try:
            if form.creates_user:
                membership = member_create(
                    **common,
                    username=data["username"],
                    full_name=data["full_name"],
                    password=data["password"],
                    phone=data.get("phone", ""),
                    email=data.get("email", ""),
                )
            else:
                membership = membership_add(**common, user=data["user"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.render_form(form, status=400)
        messages.success(request, _("%(user)s now holds this role.") % {"user": membership.user})
        return redirect("core:user_detail", pk=membership.user_id)


class MembershipDeleteView(ScopedViewMixin, View):
    template_name = "core/org/membership_delete.html"

    def _prepare(self):
        membership = get_object_or_404(
            Membership.objects.for_user(self.request.user).select_related("user", "role", "school"),
            pk=self.kwargs["pk"],
        )
        if not access.has_perm(self.request.user, MANAGE_MEMBERS, membership.school):
            raise PermissionDenied
        return membership

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"object": self._prepare()})

    def post(self, request, *args, **kwargs):
        membership = self._prepare()
        try:
            membership_remove(actor=request.user, membership=membership)
        except ValidationError as exc:
            return render(
                request, self.template_name, {"object": membership, "errors": exc.messages}, status=400
            )
        messages.success(request, _("Removed."))
        return redirect("core:membership_list")


class PersonMixin(LoginRequiredMixin):
    def person(self):
        person = person_get(viewer=self.request.user, pk=self.kwargs["pk"])
        if person is None:
            raise Http404
        return person


class UserDetailView(PersonMixin, View):
    """A person: their roles where the viewer may see them, the rooms they answer for, and the
    password links (their own change, or an administrator's reset)."""

    leak_model = User

    def get(self, request, pk):
        person = self.person()
        viewer = request.user
        memberships = list(person_memberships(viewer=viewer, person=person))
        is_self = viewer.pk == person.pk
        if not is_self and not any(
            access.has_perm(viewer, "core.view_membership", m.school) for m in memberships
        ):
            raise PermissionDenied
        rooms = (
            Room.objects.for_user(viewer)
            .filter(responsible=person)
            .select_related("building", "school")
            .order_by("school__path", "building__name", "number")
        )
        ctx = {
            "person": person,
            "memberships": memberships,
            "rooms": rooms,
            "is_self": is_self,
            "can_set_password": not is_self and user_can_manage(viewer, person),
            "can_remove": {m.pk for m in memberships if access.has_perm(viewer, MANAGE_MEMBERS, m.school)},
        }
        return render(request, "core/org/user_detail.html", ctx)


class UserSetPasswordView(PersonMixin, View):
    """An administrator sets a new password for a person they fully manage."""

    leak_model = User
    template_name = "core/org/user_set_password.html"

    def _prepare(self):
        person = self.person()
        if person.pk == self.request.user.pk:
            raise PermissionDenied  # one's own password goes through password_change
        if not user_can_manage(self.request.user, person):
            raise PermissionDenied
        return person

    def get(self, request, pk):
        person = self._prepare()
        return render(request, self.template_name, {"person": person, "form": SetPasswordForm(person)})

    def post(self, request, pk):
        person = self._prepare()
        form = SetPasswordForm(person, request.POST)
        if form.is_valid():
            try:
                user_set_password(
                    actor=request.user, user=person, password=form.cleaned_data["new_password1"]
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The password was changed."))
                return redirect("core:user_detail", pk=person.pk)
        return render(request, self.template_name, {"person": person, "form": form}, status=400)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own page, saving through the service so the change is logged."""

    template_name = "core/org/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        user = user_set_password(
            actor=self.request.user, user=self.request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, user)
        return redirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "core/org/password_change_done.html"


class RoleMixin(LoginRequiredMixin):
    def scope_with(self, perm):
        scope = self.request.scope
        if not scope:
            raise PermissionDenied(_("You have no membership in any school."))
        if not access.has_perm(self.request.user, perm, scope):
            raise PermissionDenied
        return scope


class RoleListView(RoleMixin, View):
    """Every role with its default permission patterns, in words."""

    def get(self, request):
        scope = self.scope_with(VIEW_ROLE)
        changed = {}
        for role_id in RolePermissionOverride.objects.filter(
            school__path__in=scope.ancestor_paths()
        ).values_list("role_id", flat=True):
            changed[role_id] = changed.get(role_id, 0) + 1
        roles = [
            {
                "role": role,
                "patterns": [
                    {"code": p, "text": pattern_description(p), "count": pattern_matches(p)}
                    for p in role.permissions or []
                ],
                "changed": changed.get(role.pk, 0),
            }
            for role in Role.objects.all()
        ]
        return render(request, "core/org/role_list.html", {"roles": roles, "scope": scope})


class RoleDetailView(RoleMixin, View):
    """The catalogue for one role at the active scope: granted or not, by default or by whose
    override; editable with core.manage_roles at the scope."""

    leak_model = Role
    template_name = "core/org/role_detail.html"

    def render_page(self, role, scope, form=None, status=200):
        can_edit = access.has_perm(self.request.user, MANAGE_ROLES, scope)
        ctx = {
            "role": role,
            "scope": scope,
            "groups": role_permission_states(role=role, school=scope),
            "can_edit": can_edit,
            "form": form,
            "patterns": [{"code": p, "text": pattern_description(p)} for p in role.permissions or []],
        }
        return render(self.request, self.template_name, ctx, status=status)

    def get(self, request, pk):
        scope = self.scope_with(VIEW_ROLE)
        role = get_object_or_404(Role, pk=pk)
        return self.render_page(role, scope)

    def post(self, request, pk):
        scope = self.scope_with(MANAGE_ROLES)
        role = get_object_or_404(Role, pk=pk)
        if "reset" in request.POST:
            try:
                role_permission_reset(
                    actor=request.user, school=scope, role=role, permission=request.POST["reset"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return self.render_page(role, scope, status=400)
            messages.success(request, _("%(scope)s now inherits this permission.") % {"scope": scope})
            return redirect("core:role_detail", pk=role.pk)
        form = RolePermissionsForm(request.POST)
        if form.is_valid():
            try:
                changed = role_permissions_update(
                    actor=request.user, school=scope, role=role, granted=form.cleaned_data["granted"]
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Saved: %(n)s permissions changed at %(scope)s.") % {"n": len(changed), "scope": scope},
                )
                return redirect("core:role_detail", pk=role.pk)
        return self.render_page(role, scope, form=form, status=400)


# Pages outside the model registry (roles and users are not school-owned rows), mounted by
# houqin/core/urls.py under the "core" namespace.
urlpatterns = [
    path("roles/", RoleListView.as_view(), name="role_list"),
    path("roles/<int:pk>/", RoleDetailView.as_view(), name="role_detail"),
    path("users/<int:pk>/", UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/password/", UserSetPasswordView.as_view(), name="user_set_password"),
]

# Django's password change pages, mounted at /accounts/ without a namespace (its views
# reverse "password_change_done").
account_urlpatterns = [
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", PasswordChangeDoneView.as_view(), name="password_change_done"),
]
