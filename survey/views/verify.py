"""The reviewer's verify page: each indicator in their scope, grouped by pillar in
the framework's order, with filters, last year's answer beside this year's, and
the verdict form, which the page's script sends without a reload (JSON reply)."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from survey import states
from survey.answer_types import answer_display
from survey.consequences import agree_remaining_consequence, agree_remaining_count
from survey.errors import SurveyError
from survey.forms.review import VERIFY_FILTERS, VerdictForm, VerifyFilter, audit_changes
from survey.models import Answer, Assessment, AuditEvent, Node
from survey.numbers import format_number
from survey.permissions import can, permission_require
from survey.selectors.verification import (
    answer_history,
    assessment_indicators,
    comment_threads,
    group_paths,
    previous_answers,
    returned_snapshots,
    review_scope_indicators,
)
from survey.services.answers import answer_values
from survey.services.review import VerdictInvalid, VerdictStale, answer_verdict

R = Answer.ReviewStatus


@dataclass
class ReviewItem:
    node: Node
    answer: Answer | None
    form: VerdictForm
    history: list = field(default_factory=list)
    thread: list = field(default_factory=list)
    change: dict | None = None
    previous: Answer | None = None
    path: list = field(default_factory=list)  # pillar … parent group
    subheading: Node | None = None  # the group this item opens, under its pillar

    @property
    def name(self) -> str:
        return self.node.name_vi

    @property
    def value(self) -> str:
        return answer_display(
            self.node, answer_values(self.answer) if self.answer else None
        )

    @property
    def verified_value(self) -> str:
        if not self.answer or not self.answer.verified_value:
            return ""
        return answer_display(self.node, self.answer.verified_value)

    @property
    def status(self) -> str:
        return self.answer.review_status if self.answer else R.PENDING

    @property
    def outside_max(self) -> bool:
        return self.node.rule in (Node.Rule.BONUS, Node.Rule.PENALTY)

    @property
    def pillar(self) -> Node | None:
        return self.path[0] if self.path else None

    @property
    def previous_value(self) -> str:
        previous = self.previous
        return (
            answer_display(previous.node, answer_values(previous)) if previous else ""
        )

    @property
    def flags(self) -> set[str]:
        """The filters of the page this item passes."""
        flags = {self.status} & {R.PENDING, R.DISAGREED, R.RETURNED}
        if self.change and not self.change.get("unchanged"):
            flags.add("changed")
        if self.answer is not None and self.answer.evidence.all():
            flags.add("evidence")
        return flags


def assessment_for(request: HttpRequest, pk: int, action: str) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("campaign", "unit", "version"), pk=pk
    )
    permission_require(user=request.user, action=action, unit=assessment.unit)
    return assessment


def anchor(name: str, assessment: Assessment, node: Node | None = None) -> str:
    url = reverse(name, args=[assessment.pk])
    return f"{url}#ind-{node.pk}" if node is not None else url


def _review_items(
    request, assessment: Assessment, forms_by_node=None
) -> list[ReviewItem]:
    nodes = review_scope_indicators(user=request.user, assessment=assessment)
    answers = {
        a.node_id: a
        for a in assessment.answers.filter(node__in=nodes)
        .select_related("updated_by")
        .prefetch_related("evidence")
    }
    history = (
        answer_history(answer_ids=[a.pk for a in answers.values()])
        if can(user=request.user, action="view_history", unit=assessment.unit)
        else {}
    )
    threads = comment_threads(assessment=assessment, node_ids=[n.pk for n in nodes])
    snapshots = returned_snapshots(assessment=assessment)
    previous = previous_answers(assessment=assessment, codes={n.code for n in nodes})
    paths = group_paths(assessment=assessment)
    items = []
    for node in nodes:
        answer = answers.get(node.pk)
        form = (forms_by_node or {}).get(node.pk) or VerdictForm(
            node=node, initial=_verdict_initial(answer)
        )
        item = ReviewItem(
            node,
            answer,
            form,
            thread=threads.get(node.pk, []),
            previous=previous.get(node.code),
            path=paths.get(node.parent_id, []),
        )
        if answer is not None:
            item.history = [
                (event, audit_changes(node, event))
                for event in history.get(answer.pk, [])
            ]
            item.change = _change(node, answer, snapshots.get(answer.pk))
        items.append(item)
    return items


def _verdict_initial(answer: Answer | None) -> dict:
    initial: dict[str, Any] = {"version": answer.version if answer else 0}
    if answer is None or answer.review_status not in states.VERDICT_GIVEN:
        return initial
    agreed = answer.review_status == R.AGREED
    initial["verdict"] = "agree" if agreed else "disagree"
    initial["explanation"] = answer.reviewer_explanation
    if not agreed and not answer.verified_value:
        initial["points"] = answer.verified_points
    for name, value in (answer.verified_value or {}).items():
        initial[name] = _form_value(value)
    return initial


def _form_value(value: Any) -> Any:
    """A stored verified value as the verdict form's field takes it: yes/no as the
    choice's text, lists (ticked criteria) as they are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _change(node: Node, answer: Answer, snapshot: AuditEvent | None) -> dict | None:
    """What the unit changed since the item was returned (old → new, who, when)."""
    if snapshot is None:
        return None
    old = snapshot.after.get("values") or {}
    new = answer_values(answer)
    if old == new:
        return {"unchanged": True, "returned_at": snapshot.at}
    return {
        "old": answer_display(node, old),
        "new": answer_display(node, new),
        "old_comment": old.get("comment", ""),
        "new_comment": new.get("comment", ""),
        "by": answer.updated_by,
        "at": answer.updated_at,
        "returned_at": snapshot.at,
    }


def _pillar_groups(items: list[ReviewItem]) -> list[dict]:
    """Items under their pillars, in the framework's order; an item that opens a
    new group below its pillar carries that group as its subheading."""
    groups: list[dict] = []
    last_parent = None
    for item in items:
        if not groups or groups[-1]["pillar"] != item.pillar:
            groups.append({"pillar": item.pillar, "items": []})
            last_parent = item.pillar
        parent = item.path[-1] if item.path else None
        if parent is not None and parent != last_parent:
            item.subheading = parent
            last_parent = parent
        groups[-1]["items"].append(item)
    return groups


def _filter_links(items, show: str, pillar_id: int | None) -> dict:
    """Each filter and each pillar with its count (within the other choice) and
    its address; counted from the items already read, never per item."""
    in_pillar = [i for i in items if pillar_id is None or _pillar_id(i) == pillar_id]
    by_flag = Counter(flag for item in in_pillar for flag in item.flags)
    shown = [i for i in items if not show or show in i.flags]
    by_pillar = Counter(_pillar_id(item) for item in shown)
    pillars = list({_pillar_id(i): i.pillar for i in items if i.pillar}.values())

    def address(show_value: str, pillar_value: int | None) -> str:
        query = {"show": show_value, "pillar": pillar_value or ""}
        params = "&".join(f"{k}={v}" for k, v in query.items() if v)
        return f"?{params}#items" if params else "?#items"

    filters = [
        {
            "name": "",
            "label": _("All"),
            "count": len(in_pillar),
            "url": address("", pillar_id),
            "active": not show,
        }
    ] + [
        {
            "name": name,
            "label": label,
            "count": by_flag[name],
            "url": address(name, pillar_id),
            "active": show == name,
        }
        for name, label in VERIFY_FILTERS.items()
    ]
    pillar_links = [
        {
            "pillar": None,
            "count": len(shown),
            "url": address(show, None),
            "active": pillar_id is None,
        }
    ] + [
        {
            "pillar": pillar,
            "count": by_pillar[pillar.pk],
            "url": address(show, pillar.pk),
            "active": pillar_id == pillar.pk,
        }
        for pillar in pillars
    ]
    return {"filters": filters, "pillar_links": pillar_links, "pillars": pillars}


def _pillar_id(item: ReviewItem) -> int | None:
    return item.pillar.pk if item.pillar else None


@login_required
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's screen: each indicator in their scope, with its verdict form."""
    assessment = assessment_for(request, pk, "review_answer")
    return _render_verify(request, assessment)


def _render_verify(request, assessment, forms_by_node=None, status=200) -> HttpResponse:
    items = _review_items(request, assessment, forms_by_node)
    pillars = list({_pillar_id(i): i.pillar for i in items if i.pillar}.values())
    chosen = VerifyFilter(request.GET, pillars=pillars)
    show, pillar_id = chosen.chosen()
    links = _filter_links(items, show, pillar_id)
    shown = [
        item
        for item in items
        if (not show or show in item.flags)
        and (pillar_id is None or _pillar_id(item) == pillar_id)
    ]
    mine_pending = sum(item.status == R.PENDING for item in items)
    context = {
        "assessment": assessment,
        "items": shown,
        "all_items": items,
        "groups": _pillar_groups(shown),
        "filtered": len(shown) != len(items),
        "show": show,
        **links,
        "total": len(assessment_indicators(assessment=assessment)),
        "done": assessment.answers.filter(
            review_status__in=states.VERDICT_GIVEN
        ).count(),
        "mine_pending": mine_pending,
        "agree_consequence": agree_remaining_consequence(count=mine_pending),
        "reviewable": assessment.state in states.REVIEWABLE,
    }
    return render(request, "survey/review/verify.html", context, status=status)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def verdict(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    """Save one verdict. The page's script asks for JSON (the item's new state, or
    the errors at its fields, or what changed meanwhile with 409); a plain form
    post is redirected back to the item, or shown again with its errors."""
    assessment = assessment_for(request, pk, "view_assessment")
    node = get_object_or_404(Node, pk=node_pk, version=assessment.version)
    permission_require(
        user=request.user, action="review_answer", unit=assessment.unit, node=node
    )
    form = VerdictForm(request.POST, node=node)
    wants_json = _wants_json(request)
    status = 400
    if form.is_valid():
        try:
            answer = answer_verdict(
                assessment=assessment,
                node=node,
                user=request.user,
                verdict=form.cleaned_data["verdict"],
                explanation=form.cleaned_data["explanation"],
                values=form.values(),
                points=form.cleaned_data["points"],
                expected_version=form.cleaned_data["version"],
            )
        except VerdictInvalid as invalid:
            for name, message in invalid.errors.items():
                form.add_error(name if name in form.fields else None, str(message))
        except VerdictStale as stale:
            return _stale(request, assessment, node, stale.answer, wants_json)
        except SurveyError as error:
            if wants_json:
                return JsonResponse({"error": str(error.message)}, status=400)
            messages.error(request, str(error.message))
            return redirect(anchor("survey:verify", assessment, node))
        else:
            if wants_json:
                return JsonResponse(
                    _saved(assessment, node, answer)
                    | _remaining(request.user, assessment)
                )
            messages.success(
                request, _("Verdict saved for %(code)s.") % {"code": node.code}
            )
            return redirect(anchor("survey:verify", assessment, node))
    if wants_json:
        errors = {
            (form.add_prefix(name) if name != "__all__" else name): list(messages_)
            for name, messages_ in form.errors.items()
        }
        return JsonResponse(
            {"error": _verdict_not_saved(node), "errors": errors}, status=status
        )
    messages.error(request, _verdict_not_saved(node))
    return _render_verify(request, assessment, {node.pk: form}, status=status)


def _verdict_not_saved(node: Node) -> str:
    return _("The verdict for %(code)s was not saved.") % {"code": node.code}


def _points(value) -> str:
    return format_number(value) if value is not None else "—"


def _saved(assessment: Assessment, node: Node, answer: Answer) -> dict:
    """The item's state after a verdict, as the page shows it."""
    assessment.refresh_from_db(fields=["state", "state_version"])
    return {
        "status": answer.review_status,
        "status_display": str(answer.get_review_status_display()),
        "verified_points": _points(answer.verified_points),
        "verified_value": answer_display(node, answer.verified_value)
        if answer.verified_value
        else "",
        "explanation": answer.reviewer_explanation,
        "version": answer.version,
        "saved_at": _("Saved at %(time)s")
        % {"time": formats.time_format(timezone.localtime(), "H:i:s")},
        "state": assessment.state,
        "state_display": str(assessment.get_state_display()),
        "progress": _("%(done)s of %(total)s indicators have a verdict.")
        % {
            "done": assessment.answers.filter(
                review_status__in=states.VERDICT_GIVEN
            ).count(),
            "total": len(assessment_indicators(assessment=assessment)),
        },
    }


def _remaining(user, assessment: Assessment) -> dict:
    """The button that agrees with the remaining items, counted again."""
    nodes = review_scope_indicators(user=user, assessment=assessment)
    count = agree_remaining_count(assessment=assessment, nodes=nodes)
    button = ngettext(
        "Agree with the %(counter)s pending item in my scope",
        "Agree with the %(counter)s pending items in my scope",
        count,
    )
    return {
        "remaining": count,
        "remaining_button": button % {"counter": count},
        "remaining_consequence": agree_remaining_consequence(count=count),
    }


def _stale(request, assessment, node, answer: Answer, wants_json: bool):
    """409: the answer as it is now, instead of overwriting it. The reply carries
    its version, so that saving again is a choice made after seeing it."""
    current = [
        (_("Unit's answer"), answer_display(node, answer_values(answer))),
        (_("Review status"), str(answer.get_review_status_display())),
        (_("Verified points"), _points(answer.verified_points)),
    ]
    if answer.reviewer_explanation:
        current.append((_("Explanation"), answer.reviewer_explanation))
    message = _(
        "This answer changed since the page was shown (the unit corrected it, or "
        "another reviewer gave a verdict). Your verdict was not saved: check the "
        "answer as it is now, then save again to replace it."
    )
    if wants_json:
        return JsonResponse(
            {
                "error": message,
                "conflict": True,
                "current": current,
                "version": answer.version,
                **{
                    k: v
                    for k, v in _saved(assessment, node, answer).items()
                    if k in ("status", "status_display", "verified_points")
                },
            },
            status=409,
        )
    data = request.POST.copy()
    form = VerdictForm(data, node=node)
    data[form.add_prefix("version")] = str(answer.version)
    form.is_valid()
    form.add_error(None, message + " " + "; ".join(f"{k}: {v}" for k, v in current))
    messages.error(request, _verdict_not_saved(node))
    return _render_verify(request, assessment, {node.pk: form}, status=409)
