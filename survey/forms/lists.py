"""Filters of the list pages (the campaign board, the home page and the list to
verify), read from the query string.

A value that cannot be read (a state that does not exist, a year that is not a
number) is left out rather than refused: the list shows as if that filter had not
been given, and the form says so at the field. Text no database field can hold
(a NUL character) matches nothing: the list is empty and the page says why.
"""

from collections.abc import Callable

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from survey import states
from survey.models import Assessment, UnitType
from survey.text import UNSTORABLE, all_storable

ALL = ("", gettext_lazy("All"))


class ListFilter(forms.Form):
    """Text in a unit's code or name, and the assessment's state."""

    q = forms.CharField(label=gettext_lazy("Unit"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[ALL, *Assessment.State.choices],
    )

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


class HomeFilter(ListFilter):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [ALL] + [(year, str(year)) for year in years]


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


class BoardFilter(ListFilter):
    unit_type = forms.ChoiceField(
        label=gettext_lazy("Unit type"),
        required=False,
        choices=[ALL, *UnitType.choices],
    )
    group = forms.ChoiceField(label=gettext_lazy("Ranking group"), required=False)

    def __init__(self, *args, groups: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [ALL] + [(g, g or "—") for g in groups]
