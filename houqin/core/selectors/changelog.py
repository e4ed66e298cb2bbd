"""Reads of the change log and of attachments, scoped to what the user may see."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import access
from ..models import Attachment, ChangeLogEntry, School, SchoolOwned
from ..models.org import PATH_STEP
from ..permissions import model_perm

ADMIN_ROLE = "admin"


def sees_unowned_changes(user):
    """Entries without a school (a role, a rule definition) belong to no one's scope: only a
    superuser or an administrator at the top of a tree reads them."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(
        code == ADMIN_ROLE and len(path) == PATH_STEP + 1 for _s, path, _r, code in access.memberships(user)
    )


def changelog_visible(user):
    """Every entry the user may open: their schools' entries, plus unowned ones for admins."""
    if user is None or not user.is_authenticated:
        return ChangeLogEntry.objects.none()
    qs = ChangeLogEntry.objects.select_related("school", "content_type", "actor")
    if user.is_superuser:
        return qs
    cond = Q(school_id__in=access.visible_school_ids(user))
    if sees_unowned_changes(user):
        cond |= Q(school__isnull=True)
    return qs.filter(cond)


def changelog_list(*, user, scope):
    """Entries of the schools within the active scope (the change log page and its API)."""
    if scope is None:
        return ChangeLogEntry.objects.none()
    cond = Q(school__path__startswith=scope.path)
    if sees_unowned_changes(user):
        cond |= Q(school__isnull=True)
    return changelog_visible(user).filter(cond)


def changelog_can_view(user, entry):
    """May the user read this entry (already known to be visible)?"""
    if entry.school_id is None:
        return sees_unowned_changes(user)
    return access.has_perm(user, "core.view_changelog", entry.school)


def history_for(obj, *, user):
    """Change-log entries of one object, newest first (the History tab). The caller has
    already checked that the user may see `obj`."""
    return ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=str(obj.pk)
    ).select_related("actor", "content_type")


# Who may remove an attachment at a school: everyone's ("all"), their own uploads ("own"), none.
DELETE_ALL = "all"
DELETE_OWN = "own"


def attachment_delete_right(user, school):
    """Holders of core.delete_attachment remove any file; uploaders remove their own while
    they may still attach files there."""
    if access.has_perm(user, "core.delete_attachment", school):
        return DELETE_ALL
    if access.has_perm(user, "core.add_attachment", school):
        return DELETE_OWN
    return None


def attachment_can_delete(user, attachment):
    right = attachment_delete_right(user, attachment.school)
    return right == DELETE_ALL or (right == DELETE_OWN and attachment.uploaded_by_id == user.pk)


def attachments_for(obj, *, user):
    """Attachments of one object the user may see, each annotated with `can_delete`."""
    school = obj.school
    if not access.has_perm(user, "core.view_attachment", school):
        return Attachment.objects.none()
    right = attachment_delete_right(user, school)
    if right == DELETE_ALL:
        can_delete = Value(True)
    elif right == DELETE_OWN:
        can_delete = Case(
            When(uploaded_by_id=user.pk, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    else:
        can_delete = Value(False)
    return (
        Attachment.objects.for_user(user)
        .filter(content_type=ContentType.objects.get_for_model(obj.__class__), object_id=obj.pk)
        .select_related("uploaded_by")
        .annotate(can_delete=can_delete)
    )


def attachment_list(*, user, scope):
    """Attachments of the schools within the active scope (the API list)."""
    if scope is None:
        return Attachment.objects.none()
    return (
        Attachment.objects.for_user(user)
        .in_scope(scope)
        .select_related("uploaded_by", "content_type", "school")
        .order_by("-created_at", "-id")
    )


def attachable_model(app_label, model_name):
    """The model named by `app_label`/`model_name` if its records can carry files, else None."""
    try:
        ct = ContentType.objects.get_by_natural_key(app_label, model_name)
    except ContentType.DoesNotExist:
        return None
    model = ct.model_class()
    if model is None or model is Attachment or not (issubclass(model, SchoolOwned) or model is School):
        return None
    return model


def attachment_target(*, user, app_label, model_name, pk):
    """The record a file is attached to: Http404 unless the user's schools hold it (or the type
    carries no files), PermissionDenied without the right to view it."""
    model = attachable_model(app_label, model_name)
    if model is None:
        raise Http404
    obj = get_object_or_404(model.objects.for_user(user), pk=pk)
    if not access.has_perm(user, model_perm(model, "view"), obj.school):
        raise PermissionDenied
    return obj


def attachment_check_read(user, attachment):
    """Reading a file needs core.view_attachment and view rights on the record it belongs to."""
    model = attachment.content_type.model_class()
    if model is None or not (
        access.has_perm(user, "core.view_attachment", attachment.school)
        and access.has_perm(user, model_perm(model, "view"), attachment.school)
    ):
        raise PermissionDenied


def attachment_get(*, user, pk):
    """One file the user may read (Http404 for another school's, PermissionDenied without rights)."""
    qs = Attachment.objects.for_user(user).select_related("content_type", "school", "uploaded_by")
    attachment = get_object_or_404(qs, pk=pk)
    attachment_check_read(user, attachment)
    return attachment
