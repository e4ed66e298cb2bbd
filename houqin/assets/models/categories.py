"""Asset categories: the GB/T 14885-2022 tree (门类 > 大类 > 中类 > 品目), national and shared by
every district, plus the sub-categories a school or a central school adds under it."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_DEPTH = 6  # 门类, 大类, 中类, 品目 and two levels a school may add below


class AssetCategoryQuerySet(models.QuerySet):
    """National rows (school is NULL) are seen by everyone; a node's own rows by the people of
    the node, of the nodes above it (a district's row serves its schools) and below it."""

    def for_user(self, user):
        from houqin.core import access
        from houqin.core.selectors.approvals import ancestor_paths

        if user is None or not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        above = {p for _sid, path, _rid, _code in access.memberships(user) for p in ancestor_paths(path)}
        return self.filter(
            Q(school__isnull=True)
            | Q(school_id__in=access.visible_school_ids(user))
            | Q(school__path__in=above)
        )

    def in_scope(self, node):
        """National rows, rows of `node`'s ancestors and rows of its subtree."""
        if node is None:
            return self.filter(school__isnull=True)
        return self.filter(
            Q(school__isnull=True)
            | Q(school__path__in=node.ancestor_paths())
            | Q(school__path__startswith=node.path)
        )

    def available_to(self, school):
        """What a card of `school` may be classified under: national rows and the rows of the
        school and its ancestors (not a sister school's)."""
        return self.filter(Q(school__isnull=True) | Q(school__path__in=school.ancestor_paths()))


class AssetCategory(models.Model):
    """One class of the asset classification.

    National rows come from the data file (houqin/assets/data/categories.csv, loaded by
    `category_import`) and carry a GB/T 14885-2022 code, `A` + 8 digits. A school (or its central
    school, for all its schools) adds sub-categories under any row; those belong to it and nobody
    else sees them.

    `depreciation_class` names the row of the rule book's life table
    (assets.depreciation_lives) the class uses; `kind_key` names the class in the rule book's lists
    (assets.always_fixed_asset_kinds, assets.disposal_always_to_finance). Both are inherited from
    the parent when blank: see houqin.assets.services.categories.category_traits.
    """

    school = models.ForeignKey(
        "core.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("school"),
        help_text=_("Empty for the national classification."),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    depreciation_class = models.CharField(
        _("depreciation class"),
        max_length=40,
        blank=True,
        help_text=_("A row of the rule book's table of depreciation lives; empty: as the parent."),
    )
    kind_key = models.SlugField(
        _("rule-book kind"),
        max_length=40,
        blank=True,
        help_text=_("The name the rule book's lists use for this class (books, vehicles …)."),
    )
    special_equipment = models.BooleanField(_("special equipment"), default=False)
    bulk_like = models.BooleanField(
        _("large batches of like items"),
        default=False,
        help_text=_(
            "Books, desks and the like: fixed assets whatever their unit price, where the rule book says so."
        ),
    )
    verified = models.BooleanField(
        _("checked against the standard"),
        default=False,
        help_text=_("Codes not yet checked against the text of GB/T 14885-2022 are marked."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AssetCategoryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("asset category")
        verbose_name_plural = _("asset categories")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(school__isnull=True), name="asset_category_national_code"
            ),
            models.UniqueConstraint(fields=["school", "code"], name="asset_category_school_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("assets:assetcategory_detail", args=[self.pk])

    @property
    def is_national(self):
        return self.school_id is None


class LegacyCategoryCode(models.Model):
    """A code of the 2010 classification (7 digits) that school ledgers still carry, and the
    class of the 2022 tree it now belongs to. Loaded with the categories; read-only."""

    code = models.CharField(_("2010 code"), max_length=10, unique=True)
    name = models.CharField(_("2010 name"), max_length=100)
    category = models.ForeignKey(
        AssetCategory, on_delete=models.PROTECT, related_name="legacy_codes", verbose_name=_("category")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("2010 category code")
        verbose_name_plural = _("2010 category codes")

    def __str__(self):
        return f"{self.code} {self.name}"
