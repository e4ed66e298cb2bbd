"""FilterSet base class shared by a list page and its API: same filters, same rows."""

from types import SimpleNamespace

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..forms import scope_field_querysets
from ..forms.widgets import FastSelect


class ScopedFilterSet(django_filters.FilterSet):
    """Adds the free-text `q` filter over `search_fields` and scopes every choice list, so a
    filter's drop-down never shows another school's rooms or people."""

    search_fields: tuple = ()
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data=data, queryset=queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        scope = getattr(request, "scope", None) if request is not None else None
        for flt in self.filters.values():
            qs = flt.extra.get("queryset")
            if qs is None or callable(qs):
                continue
            holder = {"f": SimpleNamespace(queryset=qs)}
            if user is not None and user.is_authenticated:
                scope_field_querysets(holder, user, scope)
                qs = holder["f"].queryset
            else:
                qs = qs.none()
            # ModelChoiceFilter builds its field from `.queryset`, not from extra: set both.
            flt.extra["queryset"] = qs
            if hasattr(flt, "queryset"):
                flt.queryset = qs
        for flt in self.filters.values():
            # A district's drop-downs list a thousand rooms: draw them without a template each.
            if isinstance(flt, django_filters.ChoiceFilter | django_filters.ModelChoiceFilter):
                flt.extra.setdefault("widget", FastSelect)

    def filter_q(self, queryset, name, value):
        value = (value or "").strip()
        if not value or not self.search_fields:
            return queryset
        cond = Q()
        for f in self.search_fields:
            cond |= Q(**{f"{f}__icontains": value})
        return queryset.filter(cond)
