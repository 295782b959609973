"""Text that the database can store.

PostgreSQL refuses the NUL character in text, and a lone surrogate (which JSON can
carry as ``"\\ud800"``) is not UTF-8 at all: either would fail at the database as a
server error. Forms refuse both through :func:`validate_storable`; values that reach
a service without a form (GET filters, JSON bodies, spreadsheet cells, comments)
are checked with :func:`storable`.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

UNSTORABLE = _(
    "The text contains characters that cannot be stored (such as a null "
    "character); remove them and try again."
)

# Django's own message for a NUL typed in a form field: named here so that the
# project's catalogue keeps the Vietnamese translation that replaces Django's.
NULL_IN_FORM_FIELD = _("Null characters are not allowed.")


def storable(text: str) -> bool:
    """Whether ``text`` holds no NUL character and no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def all_storable(values: Iterable[object]) -> bool:
    """Whether every string among ``values`` (lists looked into) is storable."""
    for value in values:
        items = value if isinstance(value, list | tuple) else [value]
        if not all(storable(v) for v in items if isinstance(v, str)):
            return False
    return True


def validate_storable(value: object) -> None:
    """Form validator: refuses text the database cannot store."""
    if isinstance(value, str) and not storable(value):
        raise ValidationError(UNSTORABLE, code="unstorable")
