"""Table base class: the first column links to the object; exports use the same columns."""

import datetime
import functools

import django_tables2 as tables
import django_tables2.utils as tables_utils
from django.core.paginator import Paginator
from django.db import models
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django_tables2.columns import library

from ..pagination import CappedCountPaginator

_signature = tables_utils.signature


@functools.lru_cache(maxsize=4096)
def _signature_of(func, bound):
    return _signature(func.__get__(object()) if bound else func)


def _cached_signature(fn):
    """django-tables2 inspects the signature of a column's render function for every cell it
    draws (inspect.signature: a third of a 50-row page's time). A function's signature does
    not change, so remember it per function; a bound method is keyed by its function."""
    func = getattr(fn, "__func__", None)
    try:
        if func is not None:
            return _signature_of(func, True)
        return _signature_of(fn, False)
    except TypeError:  # unhashable callables (rare): as before
        return _signature(fn)


tables_utils.signature = _cached_signature


@library.register
class DateColumn(tables.Column):
    """Dates and times as django-tables2's own columns show them (the short format of the
    language, local time), drawn directly: its DateColumn compiles a template for every cell.
    Registered, so every table's date fields use it; exports get ISO dates."""

    def __init__(self, *args, format=None, **kwargs):
        self.format = format
        super().__init__(*args, **kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateTimeField):
            return cls(format="SHORT_DATETIME_FORMAT", **kwargs)
        if isinstance(field, models.DateField):
            return cls(format="SHORT_DATE_FORMAT", **kwargs)
        return None

    def render(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_filter(value, self.format or "SHORT_DATE_FORMAT")

    def value(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else value


class ObjectTable(tables.Table):
    export_exclude: tuple = ("actions",)

    def paginate(self, paginator_class=CappedCountPaginator, *args, **kwargs):
        # Every list counts its rows only up to the cap (see core.pagination).
        if paginator_class is Paginator:
            paginator_class = CappedCountPaginator
        return super().paginate(paginator_class, *args, **kwargs)

    class Meta:
        attrs = {"class": "table"}
        per_page = 50
