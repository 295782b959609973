"""Writing many rows at once, faster than ``bulk_create`` for large loads.

``bulk_create`` prepares every value of every row through its field and builds one
long statement per batch, which costs more than the database's own work once the
rows number hundreds of thousands (a campaign's stored results, the national demo).
``bulk_insert`` prepares the statement once and hands plain values to the driver's
``executemany``; only values that need converting (decimals, dates, JSON) go through
their field. Like ``bulk_create`` it sends no signals and calls no ``save()``; unlike
it, the new rows' ids are not set on the objects (read them back by a natural key).
"""

from collections.abc import Sequence

from django.db import connections, models, router

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
    model: type[models.Model], objs: Sequence[models.Model], *, batch_size: int = 5000
) -> int:
    """Insert ``objs`` (unsaved instances of ``model``); returns how many."""
    if not objs:
        return 0
    connection = connections[router.db_for_write(model)]
    fields = [
        field
        for field in model._meta.local_concrete_fields
        if not (field.primary_key and isinstance(field, models.AutoField))
    ]
    plain = [field.get_internal_type() in PLAIN_TYPES for field in fields]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    pairs = list(zip(fields, plain, strict=True))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            cursor.executemany(
                sql,
                [
                    tuple(
                        getattr(obj, field.attname)
                        if is_plain
                        else field.get_db_prep_save(
                            field.pre_save(obj, True), connection
                        )
                        for field, is_plain in pairs
                    )
                    for obj in objs[start : start + batch_size]
                ],
            )
    return len(objs)
