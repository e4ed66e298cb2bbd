"""The model registry: one declaration gives a model its list, detail, edit and delete pages,
its API endpoint and its place in the route-walking leak test (NetBox's "same surface").

    registry.register(Room, filterset=RoomFilterSet, table=RoomTable, form=RoomForm,
                      serializer=RoomSerializer, select_related=("building", "responsible"))
"""

from dataclasses import dataclass, field
from typing import Any

from .permissions import register_model_permissions


@dataclass
class ModelEntry:
    model: Any
    filterset: Any = None
    table: Any = None
    form: Any = None
    serializer: Any = None
    select_related: tuple = ()
    prefetch_related: tuple = ()
    # Services that write (defaults: the generic ones in core.services.objects).
    create_service: Any = None
    update_service: Any = None
    delete_service: Any = None
    # Which generic pages exist; a model with its own workflow turns some off.
    actions: tuple = ("list", "add", "detail", "edit", "delete")
    api_actions: tuple = ("list", "retrieve", "create", "update", "partial_update", "destroy")
    detail_template: str | None = None
    list_template: str | None = None
    # Extra views: {name: (route suffix, view class)} mounted under the model's prefix.
    extra_views: dict = field(default_factory=dict)
    # Optional view class overrides: {"list": cls, "detail": cls, ...}
    views: dict = field(default_factory=dict)
    api_viewset: Any = None
    menu_group: str | None = None
    # The URL segment, when "<model_name>s" is not English ("approvalpolicies").
    url_prefix: str | None = None

    @property
    def app_label(self):
        return self.model._meta.app_label

    @property
    def model_name(self):
        return self.model._meta.model_name

    @property
    def prefix(self):
        return self.url_prefix or f"{self.model_name}s"

    def url_name(self, action):
        return f"{self.app_label}:{self.model_name}_{action}"


class Registry:
    def __init__(self):
        self.entries: dict[Any, ModelEntry] = {}

    def register(self, model, **kwargs):
        entry = ModelEntry(model=model, **kwargs)
        self.entries[model] = entry
        register_model_permissions(model)
        return entry

    def get(self, model):
        return self.entries.get(model)

    def for_app(self, app_label):
        return [e for e in self.entries.values() if e.app_label == app_label]


registry = Registry()
