"""Filters of the list pages (the campaign board, the home page and the list to
verify), read from the query string.

A value that cannot be read (a state that does not exist, a year that is not a
number) is left out rather than refused: the list shows as if that filter had not
been given, and the form says so at the field. Text no database field can hold
(a NUL character) matches nothing: the list is empty and the page says why.

The order of a list is a whitelisted ``sort``: a column's key, ``-`` first for the
descending order (:data:`COLUMNS`); the column headers link to it.
"""

from collections.abc import Callable

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from survey import states
from survey.models import Assessment, UnitType
from survey.text import UNSTORABLE, all_storable

ALL = ("", gettext_lazy("All"))

# The columns a list can be sorted by, by key (see survey.selectors.campaigns).
COLUMNS = {
    "year": gettext_lazy("Year"),
    "unit": gettext_lazy("Unit"),
    "state": gettext_lazy("State"),
    "progress": gettext_lazy("Progress"),
    "saved": gettext_lazy("Last saved or submitted"),
    "deadline": gettext_lazy("Deadline"),
}


def sort_field(keys: tuple[str, ...]) -> forms.ChoiceField:
    """A list's ``sort``: each of the columns ``keys`` in both directions."""
    choices = [("", gettext_lazy("Default order"))]
    for key in keys:
        choices += [
            (key, format_lazy("{} ↑", COLUMNS[key])),
            (f"-{key}", format_lazy("{} ↓", COLUMNS[key])),
        ]
    return forms.ChoiceField(
        label=gettext_lazy("Sort by"), required=False, choices=choices
    )


class FilterForm(forms.Form):
    """Filters read from the query string: what cannot be read is left out and
    said at its field; text no field can hold matches nothing."""

    @property
    def unstorable(self) -> bool:
        """Whether a value holds text no field can hold: nothing can match it."""
        return not all_storable(self.data.get(name, "") for name in self.fields)

    def filters(self) -> dict:
        """The filters given and readable, by name (empty ones left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value not in ("", None)}

    def selected(self, select: Callable[..., QuerySet]) -> QuerySet:
        """``select(**filters)``: the rows the filters keep, none when a value holds
        text no field can hold."""
        if self.unstorable:
            return select().none()
        return select(**self.filters())

    @property
    def error(self) -> str:
        """What the page says above an empty list when nothing can match."""
        return str(UNSTORABLE) if self.unstorable else ""

    @property
    def order(self) -> str:
        """The order asked for and readable (empty: the list's own)."""
        return self.filters().get("sort", "")


class ListFilter(FilterForm):
    """Text in a unit's code or name, and the assessment's state."""

    q = forms.CharField(label=gettext_lazy("Unit"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[ALL, *Assessment.State.choices],
    )


class HomeFilter(ListFilter):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )
    group = forms.ChoiceField(label=gettext_lazy("Ranking group"), required=False)
    sort = sort_field(("year", "unit", "state", "progress", "deadline"))

    def __init__(self, *args, years: list[int] = (), groups: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [ALL] + [(year, str(year)) for year in years]
        if "group" in self.fields:  # not on the list to verify
            self.fields["group"].choices = [ALL] + [(g, g) for g in groups if g]


class ReviewFilter(HomeFilter):
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[ALL]
        + [
            (value, label)
            for value, label in Assessment.State.choices
            if value in states.PAST_SUBMISSION
        ],
    )
    group = None
    sort = None


class BoardFilter(ListFilter):
    unit_type = forms.ChoiceField(
        label=gettext_lazy("Unit type"),
        required=False,
        choices=[ALL, *UnitType.choices],
    )
    group = forms.ChoiceField(label=gettext_lazy("Ranking group"), required=False)

    def __init__(self, *args, groups: list[str] = (), group_name=str, **kwargs):
        """``group_name`` shows a group (its Vietnamese name) in the page's language."""
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [ALL] + [
            (g, group_name(g) or "—") for g in groups
        ]


class CampaignBoardFilter(BoardFilter):
    """The board's filters: those of :class:`BoardFilter`, the unit's reviewer and
    the order."""

    reviewer = forms.TypedChoiceField(
        label=gettext_lazy("Reviewer"), required=False, coerce=int, empty_value=None
    )
    sort = sort_field(("unit", "state", "progress", "saved", "deadline"))

    def __init__(self, *args, reviewers: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [ALL, *reviewers]
