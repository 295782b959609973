"""The planner's form: per indicator, a hypothetical answer (the questionnaire's
fields, read in the page's number format), who is responsible and by when."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from survey.answer_types import answer_form_field, answer_type
from survey.models import Node
from survey.numbers import NumberFormat

MAX_RESPONSIBLE_LENGTH = 200
BLANK = ("", "—")


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
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self,
        data=None,
        *,
        nodes: list[Node],
        items: list[dict] | None = None,
        number_format: NumberFormat | None = None,
        version: int = 0,
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
        for node in nodes:
            for name in value_names(node):
                self.fields[f"w-{node.code}-{name}"] = _field(node, name, number_format)
            self.fields[f"r-{node.code}"] = forms.CharField(
                label=_("Responsible"),
                max_length=MAX_RESPONSIBLE_LENGTH,
                required=False,
            )
            self.fields[f"d-{node.code}"] = forms.DateField(
                label=_("Due date (dd/mm/yyyy)"),
                required=False,
                localize=True,
                widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            )

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
        """Indicator code: the values given (only indicators with some value);
        call after ``is_valid()``."""
        out = {}
        data = getattr(self, "cleaned_data", {})
        for node in self.nodes:
            values = {
                name: data.get(f"w-{node.code}-{name}") for name in value_names(node)
            }
            if any(v not in (None, "", [], False) for v in values.values()):
                out[node.code] = values
        return out

    def plan_fields(self, code: str) -> tuple[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return data.get(f"r-{code}") or "", data.get(f"d-{code}")

    def field_errors(self) -> dict[str, list[str]]:
        """Indicator code: the messages of its fields that did not parse."""
        out: dict[str, list[str]] = {}
        for name, errors in self.errors.items():
            code = name.split("-", 1)[1].rsplit("-", 1)[0] if "-" in name else ""
            if name.startswith(("r-", "d-")):
                code = name[2:]
            out.setdefault(code, []).extend(str(e) for e in errors)
        return out
