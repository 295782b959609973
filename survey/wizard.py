"""The questionnaire: one wizard step per pillar of the assessment's framework version.

formtools' defaults lose input: a GET resets, only valid
steps are stored, a jump drops the current step, the storage lives in the session.
Here the answers themselves are the wizard's state: :class:`AssessmentStorage` reads
them from the database for the assessment named in its prefix, every POST saves what
was typed through ``answer_save`` before moving, and a GET never resets anything.
The forms are in :mod:`survey.forms.questionnaire`, the reads in
:mod:`survey.selectors.questionnaire`.
"""

from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.views import NamedUrlWizardView

from survey.forms.questionnaire import AnswerForm, StepForm
from survey.models import Answer
from survey.offline import offline_copy
from survey.permissions import user_roles
from survey.selectors.questionnaire import (
    evidence_previous,
    overall_state,
    questionnaire_steps,
    step_states,
)
from survey.selectors.scope import assessments_for
from survey.selectors.verification import comment_threads, returned_snapshots
from survey.services.answer_access import (
    AnswerLocked,
    answer_editable,
    assessment_edit_refusal,
)
from survey.services.answer_checks import MAX_COMMENT_LENGTH, AnswerInvalid
from survey.services.answers import AnswerStale, answer_save
from survey.services.evidence import MAX_SUMMARY
from survey.services.review import MAX_COMMENT

# Conflicts --------------------------------------------------------------------------


def answer_conflict_message(
    *, answer: Answer, user, theirs: Sequence[Sequence[str]]
) -> str:
    """What a stale save tells the person: who saved the answer kept on the server
    (they themselves, from another tab or a page shown earlier, or someone else),
    when, and its value. ``theirs`` is its (label, text) pairs, comment last."""
    values = list(theirs[:-1] if len(theirs) > 1 else theirs)
    value = (
        values[0][1]
        if len(values) == 1
        else "; ".join(f"{label}: {text}" for label, text in values)
    )
    params = {
        "time": _saved_time(answer.updated_at),
        "value": Truncator(value).chars(80),
        "who": str(answer.updated_by or ""),
    }
    if answer.updated_by_id is not None and answer.updated_by_id == user.pk:
        message = _(
            "You changed this answer in another tab or on an earlier page at "
            "%(time)s. Saved value: %(value)s."
        )
    elif answer.updated_by_id is None:
        message = _("A different answer was saved at %(time)s. Saved value: %(value)s.")
    else:
        message = _(
            "%(who)s saved a different answer at %(time)s. Saved value: %(value)s."
        )
    return message % params


def _saved_time(moment: datetime | None) -> str:
    """The time alone when it was today, else the date too."""
    if moment is None:
        return "—"
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return formats.time_format(local, "H:i")
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


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
        if "X-Prefetch" in self.request.headers:
            return  # fetched ahead by the page (for moving offline), not shown
        if self.request.session.get(self.prefix) != self.current_step:
            self.request.session[self.prefix] = self.current_step


@method_decorator(never_cache, name="dispatch")
class QuestionnaireWizard(LoginRequiredMixin, NamedUrlWizardView):
    """Steps = pillars; every POST saves the step's changed answers, then moves.

    No step page is ever kept by the browser (``no-store``): Back and Forward load
    it again with the answers as saved, never a copy showing older values whose
    posting would then be refused as stale.
    """

    storage_name = "survey.wizard.AssessmentStorage"
    form_list = [("step", StepForm)]  # replaced per request by the version's pillars
    template_name = "survey/questionnaire/step.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        visible = assessments_for(user=request.user, action="open_questionnaire")
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
            "previous": lambda: self._previous(self.outline[step]),
        }

    def _answer_editable(self, answer: Answer | None) -> bool:
        return answer_editable(
            assessment=self.assessment, answer=answer, refusal=self.refusal
        )

    def _previous(self, step) -> dict:
        if self.refusal is not None:
            return {}
        carried = {
            item.carried_from_id
            for answer in self.storage.answers.values()
            for item in answer.evidence.all()
            if item.carried_from_id
        }
        return evidence_previous(
            assessment=self.assessment, nodes=step.indicators, carried=carried
        )

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
        return offline_copy(request, self.render(self.get_form(step)))

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
        url = self.get_step_url(target if target in steps else step)
        # The "needs attention" filter stays on from step to step.
        return redirect(url + ("?attention=1" if self._attention() else ""))

    def _attention(self) -> bool:
        return self.request.GET.get("attention") == "1"

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
            self._show_conflict(form, stale)
        except AnswerInvalid as invalid:
            form.add_service_errors(invalid.errors)
        except AnswerLocked as locked:
            form.add_error(None, ValidationError(locked.message, code=locked.code))
        else:
            return True
        return False

    def _show_conflict(self, form: AnswerForm, stale: AnswerStale) -> None:
        form.conflict = stale  # read by form.theirs
        stale.message = answer_conflict_message(
            answer=stale.answer, user=self.request.user, theirs=form.theirs
        )
        form.show_conflict(stale)

    def render_done(self, form, **kwargs):
        return redirect(self.review_url())

    def done(self, form_list, **kwargs):
        return redirect(self.review_url())

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        steps = [self.outline[name] for name in self.get_form_list()]
        states = step_states(steps=steps, answers=self.storage.answers)
        self._attach_reviews(form)
        context.update(
            assessment=self.assessment,
            step=self.outline[self.steps.current],
            steps=steps,
            step_rows=[(s, states[s.name]) for s in steps],
            progress=overall_state(states),
            step_state=states[self.steps.current],
            attention=self._attention(),
            comment_limit=MAX_COMMENT,
            answer_comment_limit=MAX_COMMENT_LENGTH,
            summary_limit=MAX_SUMMARY,
            locked=self.refusal,
            can_edit=self.refusal is None,
            review_url=self.review_url(),
            max_upload=settings.EVIDENCE_MAX_BYTES,
            offline_files_max=settings.DTI_OFFLINE_FILES_MAX_BYTES,
        )
        return context

    def _attach_reviews(self, form: StepForm) -> None:
        # One query, three when an answer of the step is returned.
        threads = comment_threads(
            assessment=self.assessment, node_ids=[f.node.pk for f in form.answer_forms]
        )
        returned = any(f.returned for f in form.answer_forms)
        returns = returned_snapshots(assessment=self.assessment) if returned else {}
        form.attach_reviews(threads=threads, returns=returns)
