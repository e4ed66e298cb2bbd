"""Percentiles of time to repair: PostgreSQL's percentile_cont in the database, and the same
interpolation in Python for SQLite (which has no ordered-set aggregates)."""

import math

from django.db import connection
from django.db.models import Aggregate, Count, FloatField


class PercentileCont(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression) — PostgreSQL only."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction, **extra):
        fraction = float(fraction)
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must lie between 0 and 1")
        super().__init__(expression, fraction=repr(fraction), **extra)


def percentile_cont(sorted_values, fraction):
    """What percentile_cont returns for `sorted_values`: linear interpolation between the two
    values around position fraction × (n − 1)."""
    n = len(sorted_values)
    if n == 0:
        return None
    position = fraction * (n - 1)
    low, high = math.floor(position), math.ceil(position)
    if low == high:
        return float(sorted_values[low])
    return float(sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low))


def grouped_percentiles(queryset, value, group=None, fractions=(0.5, 0.9)):
    """{group value: {"n": count, 0.5: …, 0.9: …}} of `value` over `queryset` (group None: one
    row under the key None). Rows with no value are left out."""
    qs = queryset.filter(**{f"{value}__isnull": False}).order_by()
    if connection.vendor == "postgresql":
        names = {f: f"p{int(round(f * 1000))}" for f in fractions}
        annotations = {names[f]: PercentileCont(value, f) for f in fractions}
        if group is None:
            row = qs.aggregate(n=Count(value), **annotations)
            return {None: {"n": row["n"], **{f: row[names[f]] for f in fractions}}} if row["n"] else {}
        out = {}
        for row in qs.values(group).annotate(n=Count(value), **annotations):
            out[row[group]] = {"n": row["n"], **{f: row[names[f]] for f in fractions}}
        return out
    buckets = {}
    fields = [value] if group is None else [group, value]
    order = fields if group is not None else [value]
    for row in qs.values_list(*fields).order_by(*order):
        key, v = (None, row[0]) if group is None else row
        buckets.setdefault(key, []).append(v)
    return {
        key: {"n": len(vs), **{f: percentile_cont(vs, f) for f in fractions}} for key, vs in buckets.items()
    }


def _stat(values, on_time, fractions):
    values = sorted(values)
    return {"n": len(values), "on_time": on_time, **{f: percentile_cont(values, f) for f in fractions}}


def grouped_times(queryset, groups, *, value, on_time, fractions=(0.5, 0.9)):
    """Percentiles of `value`, count and how many were `on_time` (a Q), overall (under None) and
    for each of `groups` ({name: field}): {None: stat, name: {group value: stat}, …}.

    PostgreSQL computes each grouping in the database (one query each); elsewhere the rows are
    read once and grouped here, instead of once per grouping."""
    from django.db.models import Case, IntegerField, Value, When

    qs = queryset.filter(**{f"{value}__isnull": False}).order_by()
    if connection.vendor == "postgresql":
        names = {f: f"p{int(round(f * 1000))}" for f in fractions}
        aggregates = {
            "n": Count(value),
            "on_time": Count("pk", filter=on_time),
            **{names[f]: PercentileCont(value, f) for f in fractions},
        }

        def stat(row):
            return {"n": row["n"], "on_time": row["on_time"], **{f: row[names[f]] for f in fractions}}

        overall = qs.aggregate(**aggregates)
        out = {None: stat(overall) if overall["n"] else None}
        for name, field in groups.items():
            out[name] = {row[field]: stat(row) for row in qs.values(field).annotate(**aggregates)}
        return out
    flag = Case(When(on_time, then=Value(1)), default=Value(0), output_field=IntegerField())
    fields = list(groups.values())
    rows = qs.annotate(_on_time=flag).values_list(value, "_on_time", *fields)
    everything, good = [], 0
    buckets = {name: {} for name in groups}
    for row in rows.iterator(chunk_size=5000):
        v, ok = row[0], row[1]
        everything.append(v)
        good += ok
        for i, name in enumerate(groups):
            bucket = buckets[name].setdefault(row[2 + i], [[], 0])
            bucket[0].append(v)
            bucket[1] += ok
    out = {None: _stat(everything, good, fractions) if everything else None}
    for name in groups:
        out[name] = {key: _stat(vs, ok, fractions) for key, (vs, ok) in buckets[name].items()}
    return out
