"""The questionnaire's forms: one :class:`AnswerForm` per indicator, gathered by
step in a :class:`StepForm`; the widgets follow each indicator's answer type."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from survey.models import Answer, Evidence, Node
from survey.questionnaire_data import localized
from survey.services.answers import (
    AnswerStale,
    answer_fields,
    answer_warnings,
    plain_decimal,
)

AT = Node.AnswerType
NUMBER_LABELS = {
    AT.COUNT: gettext_lazy("Number"),
    AT.NUMBER: gettext_lazy("Value"),
    AT.PERCENTAGE: gettext_lazy("Percentage (%)"),
    AT.MONEY: gettext_lazy("Amount (VND)"),
    AT.POINTS: gettext_lazy("Points"),
    AT.RATIO: gettext_lazy("Numerator (a)"),
}
YES_NO = [("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))]


# Forms ------------------------------------------------------------------------------


def _number_field(node: Node, name: str) -> forms.Field:
    label = (
        gettext_lazy("Denominator (b)")
        if name == "denominator"
        else NUMBER_LABELS.get(node.answer_type, gettext_lazy("Value"))
    )
    return forms.DecimalField(
        label=label,
        required=False,
        localize=True,
        max_digits=20,
        decimal_places=4,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def _choices(node: Node, key: str) -> list[tuple[str, str]]:
    items = (node.rule_params or {}).get(key) or []
    return [(item["code"], localized(item, "", vi="vi", en="en")) for item in items]


def _field(node: Node, name: str) -> forms.Field:
    if name in ("number", "denominator"):
        return _number_field(node, name)
    if name == "yes":
        return forms.TypedChoiceField(
            label=gettext_lazy("Answer"),
            choices=YES_NO,
            coerce=lambda value: value == "true",
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
        )
    if name == "choice":
        return forms.ChoiceField(
            label=gettext_lazy("Level"),
            choices=_choices(node, "levels"),
            required=False,
            widget=forms.RadioSelect,
        )
    if name == "checks":
        return forms.MultipleChoiceField(
            label=gettext_lazy("Criteria met"),
            choices=_choices(node, "checks"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    if name == "date":
        return forms.DateField(
            label=gettext_lazy("Date (dd/mm/yyyy)"),
            required=False,
            localize=True,
            widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        )
    if name == "is_na":
        return forms.BooleanField(
            label=gettext_lazy("Not applicable to this unit (N/A)"), required=False
        )
    label = gettext_lazy("Comment") if name == "comment" else gettext_lazy("Answer")
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2 if name == "comment" else 4}),
    )


def answer_initial(answer: Answer | None) -> dict[str, Any]:
    """Initial form values of a stored answer (numbers without trailing zeros)."""
    if answer is None:
        return {"version": 0}
    number, denominator = (
        None if value is None else Decimal(plain_decimal(value))
        for value in (answer.number, answer.denominator)
    )
    yes = {True: "true", False: "false"}.get(answer.yes)
    return {
        "version": answer.version,
        "yes": yes,
        "number": number,
        "denominator": denominator,
        "choice": answer.choice,
        "checks": list(answer.checks or []),
        "date": answer.date,
        "text": answer.text,
        "is_na": answer.is_na,
        "comment": answer.comment,
    }


class AnswerForm(forms.Form):
    """The fields of one indicator; prefix ``n<node id>``."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, data=None, *, node: Node, answer: Answer | None, editable=True):
        super().__init__(data, prefix=f"n{node.pk}", initial=answer_initial(answer))
        self.node, self.answer = node, answer
        self.value_names = answer_fields(node)
        for name in self.value_names:
            self.fields[name] = _field(node, name)
            self.fields[name].disabled = not editable
        self.editable = editable
        self.conflict: AnswerStale | None = None
        self.step_form: StepForm | None = None

    @property
    def changed(self) -> bool:
        return any(name != "version" for name in self.changed_data)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.value_names}

    def expected_version(self) -> int:
        return self.cleaned_data.get("version") or 0

    def add_service_errors(self, errors: dict) -> None:
        for name, items in errors.items():
            target = name if name in self.fields else None
            for code, message in items:
                self.add_error(target, ValidationError(message, code=code))

    def show_conflict(self, stale: AnswerStale) -> None:
        """Keep what was typed; carry the server's version so that saving again
        overwrites deliberately, and show the server's values beside it."""
        self.conflict = stale
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(stale.version)
        self.add_error(None, ValidationError(stale.message, code="stale"))

    @cached_property
    def theirs(self) -> list[tuple[str, str]]:
        """The server's values of a conflict, as (label, text) for display."""
        if self.conflict is None:
            return []
        server = AnswerForm(node=self.node, answer=self.conflict.answer)
        return [
            (server[name].label, display_value(server, name))
            for name in server.value_names
        ]

    @property
    def name(self) -> str:
        return localized(self.node, "name")

    @property
    def guidance(self) -> str:
        return localized(self.node, "guidance")

    @property
    def warnings(self) -> dict[str, list[str]]:
        return {} if self.is_bound else answer_warnings(self.answer, self.node)

    @property
    def field_rows(self) -> list[tuple[forms.BoundField, list[str]]]:
        warnings = self.warnings
        return [(self[name], warnings.get(name, [])) for name in self.value_names]

    @property
    def ratio_display(self) -> str:
        answer = self.answer
        if not answer or answer.number is None or not answer.denominator:
            return "—"
        share = answer.number / answer.denominator * 100
        return f"{formats.number_format(share, 1)} %"

    @property
    def evidence(self) -> list[Evidence]:
        return list(self.answer.evidence.all()) if self.answer else []

    @property
    def previous(self) -> list[Evidence]:
        """Last year's evidence that can still be carried forward (editable only)."""
        if not self.editable or self.step_form is None:
            return []
        return self.step_form.previous.get(self.node.pk, [])


def input_value(form: AnswerForm, name: str) -> Any:
    """The value of field ``name`` as the browser's input holds it."""
    value = form[name].value()
    if name in ("number", "denominator", "date") and value not in (None, ""):
        return formats.localize_input(value)
    if name == "checks":
        return list(value or [])
    if name == "is_na":
        return bool(value)
    return "" if value is None else value


def display_value(form: AnswerForm, name: str) -> str:
    value = input_value(form, name)
    field = form.fields[name]
    labels = dict(getattr(field, "choices", []))
    if name == "checks":
        return ", ".join(str(labels.get(code, code)) for code in value) or "—"
    if name == "is_na":
        return _("Yes") if value else _("No")
    return str(labels.get(value, value)) if value != "" else "—"


class StepForm(forms.Form):
    """All indicators of one step, each an :class:`AnswerForm`."""

    def __init__(self, data=None, files=None, prefix=None, initial=None, **kwargs):
        step, answers = kwargs.pop("step"), kwargs.pop("answers")
        editable = kwargs.pop("editable")
        self._previous = kwargs.pop("previous", None)
        super().__init__(data, files, prefix=prefix, initial=initial)
        self.step = step
        self.answer_forms = []
        self.items = []
        for depth, node in step.entries:
            if not node.is_indicator:
                self.items.append({"heading": node, "depth": depth})
                continue
            answer = answers.get(node.pk)
            form = AnswerForm(data, node=node, answer=answer, editable=editable(answer))
            form.step_form = self
            self.answer_forms.append(form)
            self.items.append({"form": form, "depth": depth})

    def is_valid(self) -> bool:
        return all(form.is_valid() for form in self.answer_forms)

    @cached_property
    def previous(self) -> dict[int, list[Evidence]]:
        """Last year's evidence per indicator, read only when a page shows it."""
        return self._previous() if self._previous else {}
