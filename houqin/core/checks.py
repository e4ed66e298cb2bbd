"""System checks that keep the house rules visible at startup."""

from django.core import checks


@checks.register(checks.Tags.models)
def scoped_models_have_school(app_configs, **kwargs):
    """Every model with generic pages must be school-owned, or scoping could not apply."""
    from .registry import registry

    errors = []
    for entry in registry.entries.values():
        if not hasattr(entry.model.objects, "for_user"):
            errors.append(
                checks.Error(f"{entry.model.__name__} has pages but no for_user()", id="houqin.E001")
            )
    return errors
