"""The questionnaire: one wizard step per pillar of the assessment's framework version.

formtools' defaults lose input (domain/survey-lessons.md §3): a GET resets, only valid
steps are stored, a jump drops the current step, the storage lives in the session.
Here the answers themselves are the wizard's state: :class:`AssessmentStorage` reads
them from the database for the assessment named in its prefix, every POST saves what
was typed through ``answer_save`` before moving, and a GET never resets anything.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.views import NamedUrlWizardView

from survey.models import Answer, Assessment, Node
from survey.selectors import assessment_list_for_user, user_roles
from survey.services.answers import (
    AnswerInvalid,
    AnswerLocked,
    AnswerStale,
    answer_fields,
    answer_is_given,
    answer_save,
    answer_warnings,
    assessment_edit_refusal,
    plain_decimal,
)

AT = Node.AnswerType
STEP_KINDS = (Node.Kind.PILLAR, Node.Kind.BONUS_GROUP, Node.Kind.PENALTY_GROUP)
NUMBER_LABELS = {
    AT.COUNT: gettext_lazy("Number"),
    AT.NUMBER: gettext_lazy("Value"),
    AT.PERCENTAGE: gettext_lazy("Percentage (%)"),
    AT.MONEY: gettext_lazy("Amount (VND)"),
    AT.POINTS: gettext_lazy("Points"),
    AT.RATIO: gettext_lazy("Numerator (a)"),
}
YES_NO = [("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))]


def localized(obj, name: str, *, vi: str = "_vi", en: str = "_en") -> str:
    """``obj.<name>_en`` in English when filled, else ``obj.<name>_vi``."""
    get = obj.get if isinstance(obj, dict) else lambda key: getattr(obj, key, "")
    if (get_language() or "vi").startswith("en") and get(f"{name}{en}"):
        return get(f"{name}{en}")
    return get(f"{name}{vi}") or ""


# The questionnaire's structure ------------------------------------------------------


@dataclass
class Step:
    name: str
    node: Node
    entries: list[tuple[int, Node]] = field(default_factory=list)  # (depth, node)

    @property
    def indicators(self) -> list[Node]:
        return [node for _depth, node in self.entries if node.is_indicator]

    @property
    def title(self) -> str:
        return localized(self.node, "name")


def questionnaire_steps(
    *, assessment: Assessment, nodes: list[Node] | None = None
) -> list[Step]:
    """The steps that apply to ``assessment``'s unit, each with its headings and
    indicators in tree order (one query unless ``nodes`` of its version are given).
    Nodes that do not apply are left out, and so are steps left without indicators."""
    if nodes is None:
        nodes = list(assessment.version.nodes.order_by("order", "id"))
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    unit_type = assessment.unit.unit_type
    steps = []
    for top in children.get(None, []):
        if top.kind not in STEP_KINDS:
            continue
        step = Step(_step_name(top), top)
        _walk(step, children, top, 0, unit_type, assessment.provides_procedures)
        if step.indicators:
            steps.append(step)
    return steps


def _walk(step, children, parent, depth, unit_type, procedures) -> None:
    for node in children.get(parent.pk, []):
        if not node.applies_to_unit(
            unit_type=unit_type, provides_procedures=procedures
        ):
            continue
        step.entries.append((depth, node))
        _walk(step, children, node, depth + 1, unit_type, procedures)


def _step_name(node: Node) -> str:
    code = node.code
    safe = code and code != "done" and all(c.isalnum() or c in "._-" for c in code)
    return code if safe else f"n{node.pk}"


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
    def evidence(self) -> list:
        return list(self.answer.evidence.all()) if self.answer else []


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
            self.answer_forms.append(form)
            self.items.append({"form": form, "depth": depth})

    def is_valid(self) -> bool:
        return all(form.is_valid() for form in self.answer_forms)


# The wizard -------------------------------------------------------------------------


class AssessmentStorage(BaseStorage):
    """Wizard state in the database, scoped to the assessment whose id ends the
    prefix (``wizard_questionnaire_<id>``).

    The step data *are* the assessment's Answer rows, loaded once per request with
    their evidence; forms start from them, so ``get_step_data`` has nothing else to
    give and ``reset`` never deletes anything. Only the step last shown is kept in
    the session (itself in the database), as a convenience for the next visit.
    """

    def __init__(self, prefix, request=None, file_storage=None):
        super().__init__(prefix, request, file_storage)
        self.assessment_id = int(prefix.rsplit("_", 1)[-1])
        self.init_data()
        self.data[self.step_key] = request.session.get(self.prefix)

    @cached_property
    def answers(self) -> dict[int, Answer]:
        rows = Answer.objects.filter(assessment_id=self.assessment_id)
        return {a.node_id: a for a in rows.prefetch_related("evidence")}

    def reset(self) -> None:
        self.data[self.step_key] = None

    def get_step_data(self, step):
        return None

    def set_step_data(self, step, cleaned_data) -> None:
        """Answers are saved through ``answer_save``, never as raw step data."""

    def get_step_files(self, step):
        return None

    def set_step_files(self, step, files) -> None:
        """Evidence files have their own endpoint."""

    def update_response(self, response) -> None:
        if self.request.session.get(self.prefix) != self.current_step:
            self.request.session[self.prefix] = self.current_step


class QuestionnaireWizard(LoginRequiredMixin, NamedUrlWizardView):
    """Steps = pillars; every POST saves the step's changed answers, then moves."""

    storage_name = "survey.wizard.AssessmentStorage"
    form_list = [("step", StepForm)]  # replaced per request by the version's pillars
    template_name = "survey/questionnaire/step.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        visible = assessment_list_for_user(user=request.user)
        self.assessment = get_object_or_404(visible, pk=kwargs["pk"])
        self.roles = user_roles(user=request.user, unit=self.assessment.unit)
        self.refusal = assessment_edit_refusal(
            assessment=self.assessment, roles=self.roles
        )
        self.outline = {
            s.name: s for s in questionnaire_steps(assessment=self.assessment)
        }
        self.form_list = OrderedDict((name, StepForm) for name in self.outline)
        self.condition_dict = {name: True for name in self.outline}
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs) -> str:
        return f"questionnaire_{kwargs['pk']}"

    def get_step_url(self, step: str) -> str:
        return reverse(self.url_name, kwargs={"pk": self.assessment.pk, "step": step})

    def review_url(self) -> str:
        return reverse("survey:assessment_review", args=[self.assessment.pk])

    def get_form_kwargs(self, step=None) -> dict:
        return {
            "step": self.outline[step],
            "answers": self.storage.answers,
            "editable": self._answer_editable,
        }

    def _answer_editable(self, answer: Answer | None) -> bool:
        if self.refusal is not None:
            return False
        if self.assessment.state == Assessment.State.RETURNED:
            return answer is not None and answer.review_status == "returned"
        return True

    def get(self, request, *args, **kwargs):
        """Show a step; never reset (a bare URL goes to the step last shown)."""
        step = kwargs.get("step")
        steps = self.get_form_list()
        if not steps or step == self.done_step_name:
            return redirect(self.review_url())
        if step not in steps:
            current = self.storage.current_step
            return redirect(
                self.get_step_url(current if current in steps else self.steps.first)
            )
        self.storage.current_step = step
        return self.render(self.get_form(step))

    def post(self, request, *args, **kwargs):
        """Save what was typed in this step (valid or not), then go where asked."""
        step = kwargs.get("step")
        steps = self.get_form_list()
        if step not in steps:
            return redirect(self.get_step_url(self.steps.first))
        self.storage.current_step = step
        form = self.get_form(step, data=request.POST)
        saved = sum(self._save(answer_form) for answer_form in form.answer_forms)
        if any(f.errors for f in form.answer_forms):
            messages.error(
                request, _("Some answers could not be saved; see the fields marked.")
            )
            return self.render(form)
        if saved:
            messages.success(request, _("Your answers have been saved."))
        target = request.POST.get("wizard_goto_step") or step
        if target == self.done_step_name:
            return redirect(self.review_url())
        return redirect(self.get_step_url(target if target in steps else step))

    def _save(self, form: AnswerForm) -> bool:
        if not form.is_valid() or not form.editable or not form.changed:
            return False
        try:
            answer_save(
                assessment=self.assessment,
                node=form.node,
                values=form.values(),
                expected_version=form.expected_version(),
                user=self.request.user,
            )
        except AnswerStale as stale:
            form.show_conflict(stale)
        except AnswerInvalid as invalid:
            form.add_service_errors(invalid.errors)
        except AnswerLocked as locked:
            form.add_error(None, ValidationError(locked.message, code=locked.code))
        else:
            return True
        return False

    def render_done(self, form, **kwargs):
        return redirect(self.review_url())

    def done(self, form_list, **kwargs):
        return redirect(self.review_url())

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        steps = self.get_form_list()
        context.update(
            assessment=self.assessment,
            step=self.outline[self.steps.current],
            steps=[self.outline[name] for name in steps],
            locked=self.refusal,
            can_edit=self.refusal is None,
            review_url=self.review_url(),
            decimal_sep=formats.get_format("DECIMAL_SEPARATOR"),
            thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        )
        return context


# Review and progress ----------------------------------------------------------------

OUTSIDE_MAX = frozenset({Node.Rule.BONUS, Node.Rule.PENALTY, Node.Rule.NONE, ""})


@dataclass
class ReviewRow:
    node: Node
    answer: Answer | None
    given: bool

    @property
    def points(self) -> Decimal | None:
        return self.answer.self_points if self.answer else None

    @property
    def max_points(self) -> Decimal | None:
        if self.node.rule in OUTSIDE_MAX or (self.answer and self.answer.is_na):
            return None
        return self.node.max_points

    @property
    def name(self) -> str:
        return localized(self.node, "name")


@dataclass
class StepReview:
    step: Step
    rows: list[ReviewRow]

    @property
    def answered(self) -> int:
        return sum(row.given for row in self.rows)

    @property
    def missing(self) -> list[ReviewRow]:
        return [row for row in self.rows if not row.given]

    @property
    def percent(self) -> int:
        return round(100 * self.answered / len(self.rows)) if self.rows else 100

    @property
    def points(self) -> Decimal:
        return sum((row.points or Decimal(0) for row in self.rows), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((row.max_points or Decimal(0) for row in self.rows), Decimal(0))


def assessment_review(
    *, assessment: Assessment, answers: dict[int, Answer] | None = None
) -> list[StepReview]:
    """Every step's indicators with their answers, points and completeness."""
    if answers is None:
        answers = {a.node_id: a for a in assessment.answers.all()}
    return [
        StepReview(
            step,
            [
                ReviewRow(
                    node,
                    answers.get(node.pk),
                    answer_is_given(answers.get(node.pk), node),
                )
                for node in step.indicators
            ],
        )
        for step in questionnaire_steps(assessment=assessment)
    ]


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    points: Decimal

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


def assessment_progress(*, assessments: list[Assessment]) -> dict[int, Progress]:
    """Answered indicators, applicable indicators and points so far, per assessment
    (two queries whatever the number of assessments)."""
    version_ids = {a.version_id for a in assessments}
    nodes_by_version: dict[int, list[Node]] = {}
    for node in Node.objects.filter(version_id__in=version_ids).order_by("order", "id"):
        nodes_by_version.setdefault(node.version_id, []).append(node)
    answers: dict[int, dict[int, Answer]] = {}
    rows = Answer.objects.filter(assessment__in=[a.pk for a in assessments]).defer(
        "verified_value", "reviewer_explanation", "comment"
    )
    for answer in rows:
        answers.setdefault(answer.assessment_id, {})[answer.node_id] = answer
    progress = {}
    for assessment in assessments:
        steps = questionnaire_steps(
            assessment=assessment, nodes=nodes_by_version.get(assessment.version_id, [])
        )
        mine = answers.get(assessment.pk, {})
        indicators = [node for step in steps for node in step.indicators]
        given = [
            node for node in indicators if answer_is_given(mine.get(node.pk), node)
        ]
        points = sum(
            (mine[n.pk].self_points or Decimal(0) for n in indicators if n.pk in mine),
            Decimal(0),
        )
        progress[assessment.pk] = Progress(len(given), len(indicators), points)
    return progress
