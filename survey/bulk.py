"""Writing many rows at once, faster than ``bulk_create`` for large loads.

``bulk_create`` prepares every value of every row through its field and builds one
long statement per batch, which costs more than the database's own work once the
rows number hundreds of thousands (a campaign's stored results, the national demo).
``bulk_insert`` prepares the statement once and hands plain values to the driver's
``executemany``; only values that need converting (decimals, dates, JSON) go through
their field. Like ``bulk_create`` it sends no signals and calls no ``save()``; unlike
it, the new rows' ids are not set on the objects (read them back by a natural key),
and rows may be plain mappings, which cost far less to make than model instances.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

# Field types whose Python values the drivers take as they are.
PLAIN_TYPES = frozenset(
    {
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)


def bulk_insert(
    model: type[models.Model],
    rows: Sequence[models.Model | Mapping[str, Any]],
    *,
    batch_size: int = 5000,
) -> int:
    """Insert ``rows``: unsaved instances of ``model``, or mappings of field names
    (or attnames such as ``node_id``) to values, a missing one taking the field's
    default. Returns how many rows. Fields filled on save (``auto_now``) get one
    time for the whole call."""
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    fields = [
        field
        for field in model._meta.local_concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField))
    ]
    now = timezone.now()
    from_mapping = isinstance(rows[0], Mapping)
    values = [_reader(field, connection, now, from_mapping) for field in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(
                sql,
                [
                    tuple([value(row) for value in values])
                    for row in rows[start : start + batch_size]
                ],
            )
    return len(rows)


def _reader(field: models.Field, connection, now, from_mapping: bool):
    """A function giving one field's value of a row, ready for the driver."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        fixed = field.get_db_prep_save(now, connection)
        return lambda row: fixed
    attname, name = field.attname, field.name
    if from_mapping:

        def read(row):
            if attname in row:
                return row[attname]
            if name in row:
                value = row[name]
                return value.pk if isinstance(value, models.Model) else value
            return field.get_default()  # "" for text fields without a default

    else:

        def read(row):
            return getattr(row, attname)

    if field.get_internal_type() in PLAIN_TYPES:
        return read
    decimal = isinstance(field, models.DecimalField)

    def prepared(row):
        value = read(row)
        if value is None or (decimal and type(value) is Decimal):
            return value
        return field.get_db_prep_save(value, connection)

    return prepared
