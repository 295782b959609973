"""The questionnaire's forms: one :class:`AnswerForm` per indicator, gathered by
step in a :class:`StepForm`; the widgets follow each indicator's answer type."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from survey.answer_types import answer_form_field
from survey.forms.rendering import PLAIN_RENDERER
from survey.models import Answer, Evidence, Node
from survey.numbers import (
    NumberFormat,
    format_number,
    number_format_named,
    page_number_format,
    plain_decimal,
)
from survey.selectors.questionnaire import (
    answer_is_given,
    answer_is_invalid,
    answer_is_returned,
    localized,
)
from survey.services.answer_access import SUPPLIED_LOCKED, supplied_value_message
from survey.services.answer_checks import (
    MAX_COMMENT_LENGTH,
    answer_fields,
    answer_warnings,
)
from survey.services.answers import AnswerStale

NUMBER_FORMAT_FIELD = "number_format"


def posted_number_format(data) -> NumberFormat | None:
    """The number format a posted page states it showed (None if it states none)."""
    return number_format_named(data.get(NUMBER_FORMAT_FIELD)) if data else None


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

    default_renderer = PLAIN_RENDERER  # a step shows dozens of these
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self,
        data=None,
        *,
        node: Node,
        answer: Answer | None,
        editable=True,
        number_format: NumberFormat | None = None,
        lock_supplied: bool = False,
    ):
        super().__init__(data, prefix=f"n{node.pk}", initial=answer_initial(answer))
        self.node, self.answer = node, answer
        self.value_names = answer_fields(node)
        # Typed numbers are read in the format the page showed, which it posts;
        # an unbound form shows numbers in the format of the page being rendered.
        if data is None:
            number_format = number_format or page_number_format()
        self.number_format = number_format
        for name in self.value_names:
            self.fields[name] = answer_form_field(node, name, number_format)
            self.fields[name].disabled = not editable
        if "comment" in self.fields:
            # A counter, not maxlength: a longer text pasted stays whole on screen
            # and the server explains the limit.
            self.fields["comment"].widget.attrs["data-limit"] = MAX_COMMENT_LENGTH
        self.editable = editable
        # A value supplied by the province is shown read-only on the step page
        # (the service refuses a change anyway; autosave reports it at the field).
        self.supplied = answer is not None and answer.supplied_by_province
        self.locked_names = (
            [n for n in self.value_names if n in SUPPLIED_LOCKED]
            if self.supplied and lock_supplied and editable
            else []
        )
        for name in self.locked_names:
            self.fields[name].disabled = True
        self.conflict: AnswerStale | None = None
        self.step_form: StepForm | None = None
        # The reviewers' side, set by the step page: the comments about this
        # indicator and the verdict event that returned it (if it is returned).
        self.thread: list = []
        self.return_event = None

    def clean(self):
        """A locked field sent with another value (a page shown before the
        province supplied it) is refused at the field, not silently ignored."""
        for name in self.locked_names:
            key = self.add_prefix(name)
            if key not in self.data:
                continue
            field = self.fields[name]
            try:
                posted = field.clean(
                    field.widget.value_from_datadict(self.data, self.files, key)
                )
            except ValidationError:
                posted = None
            if posted != self.get_initial_for_field(field, name):
                self.add_error(name, supplied_value_message(self.answer))
        return super().clean()

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
        server = AnswerForm(
            node=self.node,
            answer=self.conflict.answer,
            number_format=self.number_format,
        )
        return [
            (server[name].label, display_value(server, name))
            for name in server.value_names
        ]

    @property
    def name(self) -> str:
        return localized(self.node, "name")

    @property
    def returned(self) -> bool:
        return answer_is_returned(self.answer)

    @property
    def invalid(self) -> bool:
        return answer_is_invalid(self.answer) or (self.is_bound and bool(self.errors))

    @property
    def missing(self) -> bool:
        return not answer_is_given(self.answer, self.node)

    @property
    def needs_attention(self) -> bool:
        return self.returned or self.invalid or self.missing

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
        share = (answer.number / answer.denominator * 100).quantize(Decimal("0.1"))
        return f"{format_number(share, self.number_format)} %"

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
    bound = form[name]
    value = bound.value()
    if name in ("number", "denominator") and value not in (None, ""):
        return bound.field.widget.format_value(value)
    if name == "date" and value not in (None, ""):
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
        posted = posted_number_format(data)
        # What was typed is shown again in the format it was typed in.
        self.number_format = posted or page_number_format()
        for depth, node in step.entries:
            if not node.is_indicator:
                self.items.append({"heading": node, "depth": depth})
                continue
            answer = answers.get(node.pk)
            form = AnswerForm(
                data,
                node=node,
                answer=answer,
                editable=editable(answer),
                number_format=posted if data is not None else self.number_format,
                lock_supplied=True,
            )
            form.step_form = self
            self.answer_forms.append(form)
            self.items.append({"form": form, "depth": depth})

    def is_valid(self) -> bool:
        return all(form.is_valid() for form in self.answer_forms)

    def attach_reviews(self, *, threads: dict, returns: dict) -> None:
        """Give each indicator its comment thread (by node id) and the event that
        returned its answer (by answer id)."""
        for form in self.answer_forms:
            form.thread = threads.get(form.node.pk, [])
            if form.answer is not None and form.returned:
                form.return_event = returns.get(form.answer.pk)

    @cached_property
    def previous(self) -> dict[int, list[Evidence]]:
        """Last year's evidence per indicator, read only when a page shows it."""
        return self._previous() if self._previous else {}
