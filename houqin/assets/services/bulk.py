"""Writing many new cards and their "registered" events fast, inside the caller's transaction:
primary keys and numbers reserved up front, rows without a model instance each (the ledger
import, services.imports, registers 100,000 cards this way)."""

from contextlib import ExitStack

from django.db import connection, models
from django.utils import timezone

from ..models import Asset, AssetEvent

CHUNK_ROWS = 2000


def reserve_ids(model, count):
    """`count` new primary keys of `model`'s table, inside the caller's transaction: from the
    sequence on PostgreSQL; on SQLite, whose writer holds the database until it commits, the ones
    after the largest given so far (AUTOINCREMENT's counter included)."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT MAX(n) FROM (SELECT MAX(id) AS n FROM {connection.ops.quote_name(table)} UNION ALL "
            "SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        last = cursor.fetchone()[0] or 0
    return list(range(last + 1, last + 1 + count))


class TableRows:
    """Rows of `model`'s table as the database driver takes them, from {field name: value} dicts
    (the primary key "id" included; foreign keys as objects, ids or None): values go as they
    are (str, int, bool, Decimal, date: both drivers adapt them), except datetimes and JSON,
    which their fields prepare (once per distinct value); a missing value is the field's
    default. Written with COPY on PostgreSQL, with one prepared INSERT stepped for every row
    elsewhere. No save(), no signals: the caller has checked every value."""

    def __init__(self, model):
        plain, relations, prepared = [], [], []
        for f in model._meta.concrete_fields:
            if f.is_relation:
                relations.append(f)
            elif isinstance(f, models.DateTimeField | models.JSONField):
                prepared.append(f)
            else:
                plain.append(f)
        self.defaults = [(f.name, None if f.null or f.primary_key else f.get_default()) for f in plain]
        self.related = [(f.name, f.attname) for f in relations]
        self.prepared = prepared
        self._cache = {}
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in plain + relations + prepared)
        marks = ", ".join(["%s"] * (len(plain) + len(relations) + len(prepared)))
        self.insert_sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        self.copy_sql = f"COPY {table} ({columns}) FROM STDIN"

    def _prepare(self, f, value):
        key = (f.name, repr(value) if isinstance(value, dict | list) else value)
        if key not in self._cache:
            self._cache[key] = f.get_db_prep_save(value, connection)
        return self._cache[key]

    def row(self, values):
        get = values.get
        out = [get(name, default) for name, default in self.defaults]
        for name, attname in self.related:
            value = get(name)
            out.append(get(attname) if value is None else getattr(value, "pk", value))
        out += [self._prepare(f, get(f.name)) for f in self.prepared]
        return out

    def insert(self, rows):
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: no statement text to parse (psycopg parses placeholders in Python).
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.insert_sql, rows)


class Changed(Exception):
    """The rows differ from those the last dry run counted (they cannot, short of a bug)."""


class CardWriter:
    """Where a commit's cards and their "registered" events go, with the primary keys and the
    numbers reserved for them beforehand.

    On PostgreSQL the cards go into one COPY kept open while the rows are read and checked, so
    the server stores and indexes them meanwhile; the events follow in a second COPY (the
    foreign keys are checked at COMMIT, as Django declares them deferred). Nothing else may use
    the connection while the first COPY is open: the run reads all it looks up before, and the
    events wait in memory (about 200 bytes each). Elsewhere cards and events go in chunks of
    prepared INSERTs.

    The keys and numbers come from reserve_ids and document_numbers_reserve; asking for more
    than were reserved raises Changed (the caller counted the rows beforehand)."""

    def __init__(self, *, ids, event_ids, numbers):
        self._ids, self._event_ids, self._numbers = iter(ids), iter(event_ids), iter(numbers)
        self.cards, self.events = TableRows(Asset), TableRows(AssetEvent)
        self.now = timezone.now()
        self._card_rows, self._event_rows = [], []
        self._copy = None
        self._stack = ExitStack()

    def __enter__(self):
        if connection.vendor == "postgresql":
            cursor = self._stack.enter_context(connection.cursor())
            self._copy = self._stack.enter_context(cursor.cursor.copy(self.cards.copy_sql))
        return self

    def __exit__(self, exc_type, exc, tb):
        self._stack.__exit__(exc_type, exc, tb)  # ends the cards' COPY, or abandons it
        if exc_type is None:
            self._flush()
        return False

    def add(self, card, event):
        row = self.cards.row(card)
        if self._copy is not None:
            self._copy.write_row(row)
        else:
            self._card_rows.append(row)
        self._event_rows.append(self.events.row(event))
        if self._copy is None and len(self._event_rows) >= CHUNK_ROWS:
            self._flush()

    def _flush(self):
        self.cards.insert(self._card_rows)
        self.events.insert(self._event_rows)
        self._card_rows, self._event_rows = [], []

    def next_id(self):
        return self._next(self._ids)

    def next_event_id(self):
        return self._next(self._event_ids)

    def next_number(self):
        return self._next(self._numbers)

    @staticmethod
    def _next(values):
        try:
            return next(values)
        except StopIteration:
            raise Changed from None

    def all_used(self):
        """Every number reserved was given (a number left over would be a gap)."""
        return next(self._numbers, None) is None
