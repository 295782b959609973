"""What every router of the API shares: the error body, the error replies each
operation documents, and the pagination of lists."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
# Far beyond any list of the province, and small enough that the row it starts
# from, (page - 1) × page_size, fits the database's integers.
MAX_PAGE = 1_000_000


class Error(Schema):
    detail: str


class Problem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Invalid(Schema):
    detail: str
    errors: list[Problem]


# The replies any read may give besides its own: no or a bad token, a role that
# refuses, an unknown code or data outside the account's scope, a bad parameter.
ERRORS = {401: Error, 403: Error, 404: Error, 422: Invalid}


class Pages(PageNumberPagination):
    """``?page=`` from 1 to 1,000,000 and ``?page_size=`` from 1 (default 100; a
    larger size than 1000 gives 1000); anything else is refused (422). The reply
    carries ``items`` and ``count``, the number of rows of every page."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)

    def __init__(self, **kwargs) -> None:
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)
