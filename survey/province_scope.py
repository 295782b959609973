"""The province a request works in: set for the request by
``survey.middleware.ProvinceMiddleware`` (and by the API's token check), read by
the managers of :mod:`survey.models.provinces`.

Three values: a province's id (its rows, and national ones where a model has
them), ``None`` (a national account: national rows only), :data:`UNSCOPED`
(outside a request, or a visitor who is not signed in: nothing filtered).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class _Unscoped:
    def __repr__(self) -> str:
        return "UNSCOPED"


UNSCOPED = _Unscoped()
_current: ContextVar[int | None | _Unscoped] = ContextVar(
    "dti_province", default=UNSCOPED
)


def current() -> int | None | _Unscoped:
    return _current.get()


@contextmanager
def province_scope(province_id: int | None | _Unscoped) -> Iterator[None]:
    """Work in ``province_id`` (see the module) until the block ends."""
    token = _current.set(province_id)
    try:
        yield
    finally:
        _current.reset(token)


def enter(province_id: int | None | _Unscoped) -> None:
    """Switch the scope for the rest of the current context (the API's token
    check, inside a request whose middleware restores the scope afterwards)."""
    _current.set(province_id)
