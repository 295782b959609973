"""Answer types in one place: for each type, the fields a person fills, how
typed text becomes a value and how a value is shown (survey.results.inputs turns
values into the engine's input). The step form, autosave, the verdict form, the
answer import and the province-supplied values all go through this module;
numbers are read and written in a page's or a file's format by survey.numbers.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from scoring.codes import AnswerError
from survey.models import Node
from survey.numbers import NumberField, NumberFormat, NumberInput, format_number

AT = Node.AnswerType


def _choices(node: Node, key: str) -> list[tuple[str, str]]:
    english = (get_language() or "vi").startswith("en")
    items = (node.rule_params or {}).get(key) or []
    return [
        (item.get("code"), (english and item.get("en")) or item.get("vi") or "")
        for item in items
    ]


@dataclass(frozen=True)
class AnswerType:
    """One answer type: the Answer ``fields`` it fills and its value ``label``."""

    code: str
    fields: tuple[str, ...]
    label: Any = gettext_lazy("Answer")

    def form_field(
        self, node: Node, name: str, number_format: NumberFormat | None
    ) -> forms.Field:
        return forms.CharField(
            label=self.label,
            required=False,
            strip=False,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def display(
        self, node: Node, values: dict, number_format: NumberFormat | None = None
    ) -> str:
        """The value as a person reads it ("—" when not given)."""
        return values.get("text") or "—"

    def number_problems(self, value: Decimal) -> list[str]:
        """Codes of what is wrong with a number given for this type."""
        return []


@dataclass(frozen=True)
class YesNoType(AnswerType):
    def form_field(self, node, name, number_format) -> forms.Field:
        return forms.TypedChoiceField(
            label=self.label,
            choices=[("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))],
            coerce=lambda value: value == "true",
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
        )

    def display(self, node, values, number_format=None) -> str:
        yes = values.get("yes")
        return "—" if yes is None else (_("Yes") if yes else _("No"))


@dataclass(frozen=True)
class NumberType(AnswerType):
    """Counts, values, percentages, money, points and ratios."""

    whole: bool = False
    at_most_100: bool = False

    def form_field(self, node, name, number_format) -> forms.Field:
        label = gettext_lazy("Denominator (b)") if name == "denominator" else self.label
        return NumberField(
            number_format=number_format,
            label=label,
            required=False,
            widget=NumberInput(attrs={"autocomplete": "off"}),
        )

    def display(self, node, values, number_format=None) -> str:
        shown = [
            format_number(values.get(name), number_format) or "—"
            for name in self.fields
        ]
        return " / ".join(shown)

    def number_problems(self, value: Decimal) -> list[str]:
        problems = []
        if value < 0:
            problems.append(AnswerError.NEGATIVE_VALUE)
        if self.whole and value != value.to_integral_value():
            problems.append("not_whole")
        if self.at_most_100 and value > 100:
            problems.append(AnswerError.PERCENTAGE_ABOVE_100)
        return problems


@dataclass(frozen=True)
class ChoiceType(AnswerType):
    """A level to choose (``choice``) or criteria to tick (``checks``)."""

    def form_field(self, node, name, number_format) -> forms.Field:
        if name == "choice":
            return forms.ChoiceField(
                label=self.label,
                choices=_choices(node, "levels"),
                required=False,
                widget=forms.RadioSelect,
            )
        return forms.MultipleChoiceField(
            label=self.label,
            choices=_choices(node, "checks"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def display(self, node, values, number_format=None) -> str:
        if "choice" in self.fields:
            names = dict(_choices(node, "levels"))
            choice = values.get("choice")
            return names.get(choice, choice or "—")
        names = dict(_choices(node, "checks"))
        return "; ".join(names.get(c, c) for c in values.get("checks") or []) or "—"


@dataclass(frozen=True)
class DateType(AnswerType):
    def form_field(self, node, name, number_format) -> forms.Field:
        return forms.DateField(
            label=gettext_lazy("Date (dd/mm/yyyy)"),
            required=False,
            localize=True,
            widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        )

    def display(self, node, values, number_format=None) -> str:
        value = values.get("date")
        if isinstance(value, str):  # stored values and audit events keep ISO dates
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return value or "—"
        return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "—"


ANSWER_TYPES: dict[str, AnswerType] = {
    AT.YES_NO: YesNoType(AT.YES_NO, ("yes",), gettext_lazy("Answer")),
    AT.COUNT: NumberType(AT.COUNT, ("number",), gettext_lazy("Number"), whole=True),
    AT.NUMBER: NumberType(AT.NUMBER, ("number",), gettext_lazy("Value")),
    AT.PERCENTAGE: NumberType(
        AT.PERCENTAGE, ("number",), gettext_lazy("Percentage (%)"), at_most_100=True
    ),
    AT.MONEY: NumberType(AT.MONEY, ("number",), gettext_lazy("Amount (VND)")),
    AT.POINTS: NumberType(AT.POINTS, ("number",), gettext_lazy("Points")),
    AT.RATIO: NumberType(
        AT.RATIO, ("number", "denominator"), gettext_lazy("Numerator (a)")
    ),
    AT.LEVEL: ChoiceType(AT.LEVEL, ("choice",), gettext_lazy("Level")),
    AT.CHECKLIST: ChoiceType(AT.CHECKLIST, ("checks",), gettext_lazy("Criteria met")),
    AT.DATE: DateType(AT.DATE, ("date",)),
    AT.TEXT: AnswerType(AT.TEXT, ("text",)),
}
NUMBER_TYPES = frozenset(
    code for code, kind in ANSWER_TYPES.items() if isinstance(kind, NumberType)
)
TEXT_TYPE = ANSWER_TYPES[AT.TEXT]


def answer_type(node: Node) -> AnswerType:
    """The answer type of ``node`` (plain text for a type unknown here)."""
    return ANSWER_TYPES.get(node.answer_type, TEXT_TYPE)


def answer_form_field(
    node: Node, name: str, number_format: NumberFormat | None
) -> forms.Field:
    """The form field ``name`` of ``node``'s answer: its type's value fields, the
    date of an indicator with a date window, N/A and the comment."""
    kind = answer_type(node)
    if name in kind.fields:
        return kind.form_field(node, name, number_format)
    if name == "date":
        return ANSWER_TYPES[AT.DATE].form_field(node, name, number_format)
    if name == "is_na":
        return forms.BooleanField(
            label=gettext_lazy("Not applicable to this unit (N/A)"), required=False
        )
    return forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def answer_display(
    node: Node, values: dict | None, number_format: NumberFormat | None = None
) -> str:
    """An answer's (or a verified) value as a person reads it."""
    if not values:
        return "—"
    if values.get("is_na"):
        return _("Not applicable")
    return answer_type(node).display(node, values, number_format)
