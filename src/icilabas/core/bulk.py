"""Writing many rows at once, for imports: new rows by PostgreSQL's COPY where it runs
(`bulk_create` elsewhere), changed rows through a temporary table and one UPDATE.

On PostgreSQL, `bulk_create` sends each column as an array bound on the client side: quoting
the arrays of a batch of long texts or JSON documents (an IATI activity's budgets and
transactions) took half of an import's time. COPY streams the rows in psycopg's C code. Ids
are taken from the table's sequence first, so the objects come back with their primary key,
as `bulk_create` gives them on PostgreSQL.
"""

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from django.db import connection, models, transaction
from django.db.models.fields import AutoFieldMixin

BATCH = 500
# A connection waiting for SQLite's write lock tries again every 100 ms once it has waited a
# little (SQLite's busy handler): a long write pauses between two transactions, or it would
# take the lock back each time before a waiting login saw it free. The IATI import pauses
# 100 ms; `in_short_transactions` twice that, since on a busy machine a waiting connection
# wakes late and missed pauses of 100 ms several times in a row (a 2.1 s wait measured).
LOCK_PAUSE = 0.1
SHORT_TRANSACTION_PAUSE = 0.2
# How long one of `in_short_transactions`' transactions goes on writing (SQLite's lock held).
SHORT_TRANSACTION_SECONDS = 0.5

Item = TypeVar("Item")
Written = TypeVar("Written")
# Field classes whose Python value is already what the database stores (exact classes: a
# subclass such as a country field holds an object that its field must convert).
_PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.IntegerField,
    models.PositiveBigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
    models.ForeignKey,
)


def _prepare(field: models.Field):
    """A function giving the value COPY writes for this field of an object."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    attname = field.attname
    if type(field) in _PLAIN_FIELDS:
        return lambda obj: getattr(obj, attname)
    if type(field) is models.DateTimeField:  # an aware datetime goes as it is

        def moment(obj):
            value = getattr(obj, attname)
            if value is None or value.tzinfo is not None:
                return value
            return field.get_db_prep_save(value, connection)

        return moment
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert new objects (no pk yet) and give each its primary key."""
    if not objects:
        return
    if connection.vendor != "postgresql" or not isinstance(model._meta.pk, AutoFieldMixin):
        model._default_manager.bulk_create(objects, batch_size=BATCH)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.generated]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        getters = [_prepare(f) for f in fields]
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([get(obj) for get in getters])
                obj._state.adding = False
                obj._state.db = connection.alias


def update(model: type[models.Model], objects: Sequence[models.Model], fields: list[str]) -> None:
    """Write these fields of existing objects: the new values go into a temporary table (by
    COPY on PostgreSQL), then one UPDATE … FROM it. Django's `bulk_update` builds a CASE per
    field with a branch per row: compiling it took about 1.5 s per 500 projects."""
    if not objects:
        return
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    table, scratch = quote(meta.db_table), quote(f"bulk_update_{meta.db_table}")
    names = ", ".join(quote(f.column) for f in columns)
    key = quote(meta.pk.column)
    assignments = ", ".join(f"{quote(f.column)} = u.{quote(f.column)}" for f in columns[1:])
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} AS SELECT {names} FROM {table} LIMIT 0")
        if connection.vendor == "postgresql":
            getters = [_prepare(f) for f in columns]
            with cursor.cursor.copy(f"COPY {scratch} ({names}) FROM STDIN") as copy:
                for obj in objects:
                    copy.write_row([get(obj) for get in getters])
        else:
            cursor.executemany(
                f"INSERT INTO {scratch} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
                [
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
                    for obj in objects
                ],
            )
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {scratch} AS u WHERE t.{key} = u.{key}"
        )
        cursor.execute(f"DROP TABLE {scratch}")


def in_short_transactions(
    items: Sequence[Item],
    write: Callable[[Item], Written],
    *,
    end_batch: Callable[[list[Written]], None] | None = None,
) -> Iterator[int]:
    """`write(item)` for each item, as many per transaction as fit in
    SHORT_TRANSACTION_SECONDS (one at least), with a pause after each: on SQLite, where
    one connection writes at a time, logins and edits then wait for one transaction at most.
    `end_batch(what the batch's writes returned)` runs inside each transaction (a journal of
    what it committed). Yields how many items are written after each transaction."""
    done = 0
    while done < len(items):
        started = time.monotonic()
        with transaction.atomic():
            results: list[Written] = []
            while done < len(items) and (
                not results or time.monotonic() - started < SHORT_TRANSACTION_SECONDS
            ):
                results.append(write(items[done]))
                done += 1
            if end_batch is not None:
                end_batch(results)
        yield done
        time.sleep(SHORT_TRANSACTION_PAUSE)
