"""URL patterns and API routes generated from the registry, per app."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .registry import registry
from .views.generic import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView

DEFAULT_VIEWS = {
    "list": ObjectListView,
    "add": ObjectEditView,
    "detail": ObjectDetailView,
    "edit": ObjectEditView,
    "delete": ObjectDeleteView,
}
ROUTES = {
    "list": "",
    "add": "add/",
    "detail": "<int:pk>/",
    "edit": "<int:pk>/edit/",
    "delete": "<int:pk>/delete/",
}


def page_urls(app_label):
    """Pages of every registered model of the app: list, add, detail, edit, delete, extras."""
    patterns = []
    for entry in registry.for_app(app_label):
        name = entry.model_name
        for action in entry.actions:
            view_class = entry.views.get(action, DEFAULT_VIEWS[action])
            patterns.append(
                path(
                    f"{entry.prefix}/{ROUTES[action]}",
                    view_class.as_view(model=entry.model),
                    name=f"{name}_{action}",
                )
            )
        for extra_name, (suffix, view_class) in entry.extra_views.items():
            patterns.append(
                path(
                    f"{entry.prefix}/{suffix}",
                    view_class.as_view(model=entry.model),
                    name=f"{name}_{extra_name}",
                )
            )
    return patterns


def api_router(app_label):
    """A DRF router with a viewset for every registered model of the app that has a serializer."""
    from .api.base import scoped_viewset_for

    router = DefaultRouter(trailing_slash=True)
    router.include_root_view = False
    # JSON only: no ".json" suffix routes (each @action would have to accept a `format` kwarg).
    router.include_format_suffixes = False
    for entry in registry.for_app(app_label):
        if entry.serializer is None and entry.api_viewset is None:
            continue
        viewset = entry.api_viewset or scoped_viewset_for(entry)
        router.register(entry.prefix, viewset, basename=f"{app_label}-{entry.model_name}")
    return router
