"""The planner's form: per indicator, a hypothetical answer (the questionnaire's
fields, read in the page's number format), who is responsible and by when."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from survey.answer_types import answer_form_field, answer_type
from survey.models import Node
from survey.numbers import NumberFormat

MAX_RESPONSIBLE_LENGTH = 200
BLANK = ("", "—")
# Due dates from the campaign's year to this many years after it
DUE_YEARS_AHEAD = 10
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
VERSION_INVALID = _(
    "The page is out of date or was changed: reload the planner and enter your "
    "changes again."
)


def _no_control_characters(value: str) -> None:
    if CONTROL_CHARACTERS.search(value or ""):
        raise forms.ValidationError(
            _("Remove the control characters (tab, line break…) from this text."),
            code="control_characters",
        )


def _blank(name: str, value: Any) -> bool:
    """No hypothetical value in this field: 0 and "No" (False) are values; an
    unticked N/A box is not."""
    if name == "is_na":
        return not value
    return value is None or value == "" or value == []


def value_names(node: Node) -> tuple[str, ...]:
    names = answer_type(node).fields
    return (*names, "is_na") if node.na_allowed else names


def _field(node: Node, name: str, number_format) -> forms.Field:
    field = answer_form_field(node, name, number_format)
    field.required = False
    if isinstance(field, forms.ChoiceField) and not isinstance(
        field, forms.MultipleChoiceField
    ):
        # "no hypothetical answer" must stay possible: a list with a blank first
        field.choices = [BLANK, *field.choices]
        field.widget = forms.Select(choices=field.choices)
    return field


def _initial(target: dict) -> dict[str, Any]:
    out = dict(target)
    if "yes" in out and out["yes"] is not None:
        out["yes"] = "true" if out["yes"] else "false"
    for name in ("number", "denominator"):
        if out.get(name) not in (None, ""):
            out[name] = Decimal(str(out[name]))
    return out


class PlannerForm(forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        error_messages={"invalid": VERSION_INVALID, "min_value": VERSION_INVALID},
    )

    def __init__(
        self,
        data=None,
        *,
        nodes: list[Node],
        items: list[dict] | None = None,
        number_format: NumberFormat | None = None,
        version: int = 0,
        year: int | None = None,
    ):
        initial: dict[str, Any] = {"version": version}
        for item in items or []:
            code = item.get("code", "")
            for name, value in _initial(item.get("target") or {}).items():
                initial[f"w-{code}-{name}"] = value
            initial[f"r-{code}"] = item.get("responsible", "")
            initial[f"d-{code}"] = item.get("due") or None
        super().__init__(data, initial=initial)
        self.nodes = nodes
        self.year = year
        for node in nodes:
            for name in value_names(node):
                self.fields[f"w-{node.code}-{name}"] = _field(node, name, number_format)
            self.fields[f"r-{node.code}"] = forms.CharField(
                label=_("Responsible"),
                max_length=MAX_RESPONSIBLE_LENGTH,
                required=False,
                validators=[_no_control_characters],
            )
            self.fields[f"d-{node.code}"] = forms.DateField(
                label=_("Due date (dd/mm/yyyy)"),
                required=False,
                localize=True,
                widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            )

    def due_range(self) -> tuple[date, date] | None:
        if self.year is None:
            return None
        return date(self.year, 1, 1), date(self.year + DUE_YEARS_AHEAD, 12, 31)

    def clean(self):
        cleaned = super().clean()
        limits = self.due_range()
        if limits is None:
            return cleaned
        first, last = limits
        for node in self.nodes:
            due = cleaned.get(f"d-{node.code}")
            if due is not None and not first <= due <= last:
                self.add_error(
                    f"d-{node.code}",
                    forms.ValidationError(
                        _("Enter a due date between %(first)s and %(last)s."),
                        code="due_out_of_range",
                        params={
                            "first": first.strftime("%d/%m/%Y"),
                            "last": last.strftime("%d/%m/%Y"),
                        },
                    ),
                )
        return cleaned

    def rows(self) -> list[dict]:
        """Per indicator: its node, its value fields, responsible and due date."""
        return [
            {
                "node": node,
                "values": [self[f"w-{node.code}-{n}"] for n in value_names(node)],
                "responsible": self[f"r-{node.code}"],
                "due": self[f"d-{node.code}"],
            }
            for node in self.nodes
        ]

    def typed(self) -> dict[str, dict]:
        """Indicator code: the fields given (only indicators with some value; a
        typed 0 and "No" count); call after ``is_valid()``. The fields left blank
        are not here: the unit's current answer stands for them."""
        out = {}
        data = getattr(self, "cleaned_data", {})
        for node in self.nodes:
            values = {
                name: data.get(f"w-{node.code}-{name}") for name in value_names(node)
            }
            given = {k: v for k, v in values.items() if not _blank(k, v)}
            if given:
                out[node.code] = given
        return out

    def plan_fields(self, code: str) -> tuple[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return data.get(f"r-{code}") or "", data.get(f"d-{code}")

    def field_errors(self) -> dict[str, list[str]]:
        """Indicator code: the messages of its fields that did not parse; those
        of the page itself (its version) under ``""``."""
        out: dict[str, list[str]] = {}
        for name, errors in self.errors.items():
            code = name.split("-", 1)[1].rsplit("-", 1)[0] if "-" in name else ""
            if name.startswith(("r-", "d-")):
                code = name[2:]
            if name == "__all__":
                code = ""
            out.setdefault(code, []).extend(str(e) for e in errors)
        return out
