"""Base classes every school-owned model shares: the scoping queryset and timestamps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SchoolScopedQuerySet(models.QuerySet):
    """The one scoping mechanism: `for_user` limits rows to the schools a user may see."""

    school_field = "school"

    def for_user(self, user):
        from houqin.core.access import visible_school_ids

        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(**{f"{self.school_field}_id__in": visible_school_ids(user)})

    def in_scope(self, node):
        """Rows of `node` and everything below it in the organisation tree."""
        if node is None:
            return self.none()
        return self.filter(**{f"{self.school_field}__path__startswith": node.path})


class SchoolOwned(models.Model):
    """A row that belongs to exactly one node of the organisation tree."""

    school = models.ForeignKey(
        "core.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        abstract = True
