"""The organisation tree (bureau > central school > school > teaching point) and departments."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import SchoolOwned

PATH_STEP = 6  # digits per level of the materialised path


class SchoolKind(models.TextChoices):
    BUREAU = "bureau", _("Education bureau")
    DISTRICT = "district", _("Central school")
    SCHOOL = "school", _("School")
    TEACHING_POINT = "teaching_point", _("Teaching point")


class SchoolQuerySet(models.QuerySet):
    def for_user(self, user):
        from houqin.core.access import visible_school_ids

        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(id__in=visible_school_ids(user))

    def in_scope(self, node):
        if node is None:
            return self.none()
        return self.filter(path__startswith=node.path)

    def subtree(self, node):
        return self.filter(path__startswith=node.path)

    def ancestors_of(self, node):
        """Node and its ancestors, root first."""
        return self.filter(path__in=node.ancestor_paths()).order_by("depth")


class School(models.Model):
    """A node of the organisation tree: a bureau, a central school, a school or a teaching point.

    School-owned rows everywhere point here. A membership at a node covers its subtree, found
    with the materialised `path` (one indexed prefix match instead of a recursive query).
    """

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SchoolKind.choices)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    code = models.CharField(_("code"), max_length=30, unique=True, help_text=_("Used in document numbers."))
    keeps_own_books = models.BooleanField(
        _("keeps its own budget and books"),
        default=True,
        help_text=_("A teaching point is inside its parent's budget and books."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    principal_name = models.CharField(_("principal"), max_length=50, blank=True)
    pupils = models.PositiveIntegerField(_("pupils"), default=0)
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:school_detail", args=[self.pk])

    @property
    def school_id(self):
        """A school is its own owner, so generic scoping code treats it like any other row."""
        return self.id

    @property
    def school(self):
        return self

    def ancestor_paths(self):
        """Paths of this node and its ancestors, root first."""
        step = PATH_STEP + 1
        return [self.path[:i] for i in range(step, len(self.path) + 1, step)]

    def nearest(self, kind):
        """This node or the nearest ancestor of `kind` (e.g. the central school of a village school)."""
        if self.kind == kind:
            return self
        return School.objects.ancestors_of(self).filter(kind=kind).order_by("-depth").first()

    def is_ancestor_of(self, other, include_self=True):
        if self.path == other.path:
            return include_self
        return other.path.startswith(self.path)

    @property
    def books_owner(self):
        """The node whose budget and books this node belongs to."""
        node = self
        while not node.keeps_own_books and node.parent_id:
            node = node.parent
        return node


class Department(SchoolOwned):
    """A 处室 of a school: 总务处, 教务处, 政教处, 食堂, a grade group …"""

    name = models.CharField(_("name"), max_length=60)
    head = models.ForeignKey(
        "core.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("head"),
    )
    is_logistics_office = models.BooleanField(_("is the logistics office"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["school", "sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="department_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("core:department_detail", args=[self.pk])
