"""Answer types in one place (DESIGN.md §8): for each type, the fields a person
fills, how typed text becomes a value, how a value is shown, and how it becomes the
engine's input. The step form, autosave, the verdict form, the answer import and
the province-supplied values all go through this module.

Numbers are read in the format the page showed, never in the request's language:
a page states its format (``number_format``) and sends it with every save.

Under a format with decimal mark D and group separator G (Vietnamese: D ``,``
G ``.``; English: D ``.`` G ``,``), a number is, after trimming the ends:

- an optional sign ``+`` or ``-``;
- the whole part: plain digits (``1234``), or 1–3 digits followed by groups of
  exactly three digits, each after one G (``1.234.567``) or each after one space
  (``1 234 567``; no-break spaces count as spaces);
- optionally D and one or more digits (``1.234,5``, ``1234,5``, ``0,25``);
- optionally an exponent ``e``/``E``, a sign and digits (``1e6``).

Anything else made of digits and separators (``1.5`` or ``1,234.5`` under
Vietnamese, ``35,5`` or ``1.234,5`` under English, ``1,2,3``, ``1.23,5``) is refused
with "Enter a number as 1.234,5." (the example of the page's format): it is never
guessed and never scaled. A save that states no format is read under both and
refused where the two readings differ (``1.500``).
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from scoring.codes import AnswerError
from survey.models import Node
from survey.results.inputs import engine_answer_fields

AT = Node.AnswerType
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
NOT_A_NUMBER = gettext_lazy("Enter a number.")
WRONG_FORMAT = gettext_lazy("Enter a number as %(example)s.")


# Number formats --------------------------------------------------------------------


@dataclass(frozen=True)
class NumberFormat:
    """How a page writes numbers: ``decimal`` mark and thousands ``group``."""

    code: str
    decimal: str
    group: str
    example: str

    def __str__(self) -> str:
        return self.code

    @property
    def pattern(self) -> re.Pattern:
        d, g = re.escape(self.decimal), re.escape(self.group)
        whole = rf"(?:\d{{1,3}}(?:{g}\d{{3}})+|\d{{1,3}}(?: \d{{3}})+|\d+)"
        return re.compile(rf"[+-]?{whole}(?:{d}\d+)?(?:[eE][+-]?\d+)?")


VI = NumberFormat("vi", decimal=",", group=".", example="1.234,5")
EN = NumberFormat("en", decimal=".", group=",", example="1,234.5")
NUMBER_FORMATS = {VI.code: VI, EN.code: EN}
# Files from the province's systems are Vietnamese unless they say otherwise.
DEFAULT_FILE_FORMAT = VI
_PATTERNS = {f.code: f.pattern for f in NUMBER_FORMATS.values()}
_NUMBER_LIKE = re.compile(r"[+-]?[\d., ]*\d[\d., ]*(?:[eE][+-]?\d*)?")


def number_format_named(code: Any) -> NumberFormat | None:
    """The format called ``code`` (``vi``, ``en``), or None when unknown."""
    return NUMBER_FORMATS.get(code) if isinstance(code, str) else None


def page_number_format() -> NumberFormat:
    """The format of a page rendered now (the active language's separators)."""
    return VI if formats.get_format("DECIMAL_SEPARATOR") == "," else EN


def parse_number(text: str, number_format: NumberFormat | None) -> Decimal | None:
    """The number ``text`` writes under ``number_format`` (None when empty).

    Raises ``ValidationError`` (code ``not_a_number`` or ``number_format``) with a
    translated message. Without a format, both readings must agree.
    """
    text = str(text).translate(SPACES).strip()
    if not text:
        return None
    if number_format is None:
        return _parse_either(text)
    if not _PATTERNS[number_format.code].fullmatch(text):
        raise _refusal(text, number_format)
    plain = text.replace(" ", "").replace(number_format.group, "")
    return Decimal(plain.replace(number_format.decimal, "."))


def _parse_either(text: str) -> Decimal:
    readings = []
    for candidate in NUMBER_FORMATS.values():
        try:
            readings.append(parse_number(text, candidate))
        except ValidationError:
            continue
    if not readings:
        raise _refusal(text, DEFAULT_FILE_FORMAT)
    if any(reading != readings[0] for reading in readings):
        raise _refusal(text, DEFAULT_FILE_FORMAT, code="number_format")
    return readings[0]


def _refusal(text: str, number_format: NumberFormat, code: str = "") -> ValidationError:
    code = code or ("number_format" if _NUMBER_LIKE.fullmatch(text) else "not_a_number")
    if code == "not_a_number":
        return ValidationError(NOT_A_NUMBER, code=code)
    params = {"example": number_format.example}
    return ValidationError(WRONG_FORMAT, code=code, params=params)


class NumberCell(str):
    """The text of a value that was a number where it came from (an Excel cell):
    read as that ``number`` whatever the number format, never parsed again."""

    number: Decimal

    def __new__(cls, text: str, number: Decimal) -> "NumberCell":
        cell = super().__new__(cls, text)
        cell.number = number
        return cell


def read_number(raw: Any, number_format: NumberFormat | None) -> Decimal | None:
    """A number from an imported cell or a typed field: numbers as they are, text
    under ``number_format`` (see :func:`parse_number`)."""
    if isinstance(raw, NumberCell):
        return raw.number
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return number_value(raw)
    return parse_number("" if raw is None else str(raw), number_format)


def number_value(raw: Any) -> Decimal | None:
    """A number given by a program (Decimal, int, float, or its plain text such as
    ``"12.5"``), never text typed by a person. Raises ``ValueError``."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except InvalidOperation as error:
        raise ValueError(raw) from error
    return value


def plain_decimal(value: Decimal | None) -> str | None:
    """``Decimal('12.5000')`` → ``'12.5'``, without exponent notation."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def format_number(
    value: Decimal | int | float | None,
    number_format: NumberFormat | None = None,
    *,
    grouping: bool = True,
) -> str:
    """``value`` written under ``number_format`` (the page's by default), with no
    trailing zeros: ``Decimal('1250000.50')`` → ``'1.250.000,5'`` in Vietnamese."""
    if value is None or value == "":
        return ""
    number_format = number_format or page_number_format()
    text = format(number_value(value).normalize(), "f")
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _dot, fraction = text.partition(".")
    if grouping:
        groups = [whole[max(i - 3, 0) : i] for i in range(len(whole), 0, -3)]
        whole = number_format.group.join(reversed(groups))
    return sign + whole + (number_format.decimal + fraction if fraction else "")


class NumberInput(forms.TextInput):
    """A text input that shows numbers in its ``number_format``."""

    number_format: NumberFormat | None = None

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_number(value, self.number_format)
        return super().format_value(value)


class NumberField(forms.Field):
    """A number typed in the format the page showed (``number_format``); numbers
    given as numbers (JSON, Excel cells) are taken as they are."""

    widget = NumberInput

    def __init__(
        self,
        *,
        number_format: NumberFormat | None,
        max_digits: int = 20,
        decimal_places: int = 4,
        **kwargs,
    ) -> None:
        self.number_format = number_format
        super().__init__(**kwargs)
        self.widget.number_format = number_format
        self.validators.append(DecimalValidator(max_digits, decimal_places))

    def widget_attrs(self, widget) -> dict:
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def to_python(self, value) -> Decimal | None:
        if value in self.empty_values:
            return None
        number = read_number(value, self.number_format)
        if number is not None and not number.is_finite():
            raise ValidationError(NOT_A_NUMBER, code="not_a_number")
        return number


# Answer types ------------------------------------------------------------------------


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

    def engine_input(self, node: Node, values: dict) -> dict:
        """The fields of ``scoring.Answer`` for ``values`` (survey.results.inputs)."""
        return engine_answer_fields(
            answer_type=self.code, rule=node.rule, values=values
        )

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
