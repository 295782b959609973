"""Numbers as people and files write them: the formats a page shows, reading typed
or imported text into a number, and writing a number back. The answer types
(survey.answer_types), the step and verdict forms, autosave, the answer import and
the province-supplied values all read and write numbers through this module.

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
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils import formats
from django.utils.translation import gettext_lazy

SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})
NOT_A_NUMBER = gettext_lazy("Enter a number.")
WRONG_FORMAT = gettext_lazy("Enter a number as %(example)s.")


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
