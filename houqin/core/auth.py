"""Authentication backend: passwords as usual, permissions from memberships."""

from django.contrib.auth.backends import ModelBackend

from . import access


class MembershipBackend(ModelBackend):
    """`user.has_perm("core.view_room", obj)` answers for obj's school; without obj, anywhere."""

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active:
            return False
        school = getattr(obj, "school", None) if obj is not None else None
        return access.has_perm(user_obj, perm, school)

    def has_module_perms(self, user_obj, app_label):
        return user_obj.is_active and user_obj.is_superuser
