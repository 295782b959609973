"""The items of the verify page: each indicator in the reviewer's scope with its
answer, verdict form, history, thread, change since return and last year's answer;
grouped by pillar, and counted for the page's filters without a query per item."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from survey import states
from survey.answer_types import answer_display
from survey.forms.review import VERIFY_FILTERS, VerdictForm, audit_changes
from survey.models import Answer, Assessment, AuditEvent, Node
from survey.permissions import can
from survey.selectors.verification import (
    answer_history,
    comment_threads,
    indicator_places,
    previous_answers,
    returned_snapshots,
    review_scope_indicators,
)
from survey.services.answers import answer_values

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


def review_items(
    *, user, assessment: Assessment, forms_by_node=None
) -> list[ReviewItem]:
    """The items of ``assessment`` in ``user``'s scope, in the framework's order; a
    form of ``forms_by_node`` (posted with errors) replaces the item's own."""
    nodes = review_scope_indicators(user=user, assessment=assessment)
    answers = {
        a.node_id: a
        for a in assessment.answers.filter(node__in=nodes)
        .select_related("updated_by", "supplied_token")
        .prefetch_related("evidence")
    }
    history = (
        answer_history(answer_ids=[a.pk for a in answers.values()])
        if can(user=user, action="view_history", unit=assessment.unit)
        else {}
    )
    threads = comment_threads(assessment=assessment, node_ids=[n.pk for n in nodes])
    snapshots = returned_snapshots(assessment=assessment)
    previous = previous_answers(assessment=assessment, codes={n.code for n in nodes})
    places = indicator_places(assessment=assessment)
    unplaced = (len(places), [])
    nodes = sorted(nodes, key=lambda node: places.get(node.pk, unplaced)[0])
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
            path=places.get(node.pk, unplaced)[1],
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


def pillar_groups(items: list[ReviewItem]) -> list[dict]:
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


def filter_links(items, show: str, pillar_id: int | None) -> dict:
    """Each filter and each pillar with its count (within the other choice) and
    its address; counted from the items already read, never per item."""
    in_pillar = [i for i in items if pillar_id is None or item_pillar(i) == pillar_id]
    by_flag = Counter(flag for item in in_pillar for flag in item.flags)
    shown = [i for i in items if not show or show in i.flags]
    by_pillar = Counter(item_pillar(item) for item in shown)
    pillars = list({item_pillar(i): i.pillar for i in items if i.pillar}.values())

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


def item_pillar(item: ReviewItem) -> int | None:
    return item.pillar.pk if item.pillar else None
