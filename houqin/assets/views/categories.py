"""Pages of the asset classification: the national tree is read-only here (it is loaded from
the standard's table); a school edits only the sub-categories it added."""

from django.core.exceptions import PermissionDenied

from houqin.core import access
from houqin.core.permissions import model_perm
from houqin.core.views.generic import ObjectDeleteView, ObjectDetailView, ObjectEditView

from ..models import AssetCategory
from ..services.categories import category_traits, depreciation_classes


class NationalReadOnly:
    """Changing or deleting a national class is refused (403) before any form is shown."""

    def check_perm(self, action, school):
        if school is None and action != "view" and not self.request.user.is_superuser:
            raise PermissionDenied
        super().check_perm(action, school)


class AssetCategoryEditView(NationalReadOnly, ObjectEditView):
    pass


class AssetCategoryDeleteView(NationalReadOnly, ObjectDeleteView):
    pass


class AssetCategoryDetailView(ObjectDetailView):
    """A class with what it inherits, its sub-classes the user may see and its 2010 codes."""

    def extra_context(self, obj):
        user = self.request.user
        own = obj.school_id is not None or user.is_superuser
        traits = category_traits(obj)
        scope = self.request.scope or None
        years = (
            depreciation_classes(scope).get(traits.depreciation_class, 0) if traits.depreciation_class else 0
        )
        return {
            "traits": traits,
            "life_years": years,
            "lineage": traits.lineage,
            "children": AssetCategory.objects.for_user(user).filter(parent=obj).order_by("code"),
            "legacy": obj.legacy_codes.order_by("code"),
            "may_edit": own and access.has_perm(user, model_perm(AssetCategory, "change"), obj.school),
            "may_delete": own and access.has_perm(user, model_perm(AssetCategory, "delete"), obj.school),
            "may_add_below": access.has_perm(user, model_perm(AssetCategory, "add"), self.request.scope)
            if self.request.scope
            else False,
        }
