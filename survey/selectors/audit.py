"""Reads of the audit trail screen: the events a search finds, and each as people
read it (what was done, to what, and the values before and after, labelled)."""

import re
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from survey.answer_types import answer_display
from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    Node,
    Unit,
    User,
)
from survey.numbers import format_number
from survey.selectors.accounts import province_accounts
from survey.selectors.provinces import province_of, several_provinces


def audit_search(
    *,
    user=None,
    actor: str = "",
    action: str = "",
    unit: str = "",
    date_from=None,
    date_to=None,
) -> QuerySet[AuditEvent]:
    """Audit events that ``user`` may read (:func:`audit_visible`), filtered by
    actor (user name), action, unit code and dates (inclusive, in local time),
    newest first."""
    events = audit_visible(user=user).select_related("actor").order_by("-at", "-id")
    if actor:
        events = events.filter(actor__username__iexact=actor)
    if action:
        events = events.filter(action=action)
    if unit:
        ids = Assessment.objects.filter(unit__code__iexact=unit).values("pk")
        events = events.filter(assessment_id__in=ids)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return events


def audit_visible(*, user=None) -> QuerySet[AuditEvent]:
    """The trail ``user`` reads: their province's events. With several
    provinces, the installation's events (no province: failed logins of
    unknown names, national frameworks, commands) and every province's are the
    superuser's only; with one, its coordinator reads them too, as before
    there were provinces. Without ``user`` (commands), every event."""
    if user is None or user.is_superuser:
        return AuditEvent.objects.all()
    province = province_of(user)
    if province is None:
        return AuditEvent.objects.none()
    mine = Q(province_id=province.pk)
    if not several_provinces():
        mine |= Q(province_id__isnull=True)
    return AuditEvent.objects.filter(mine)


def unit_code_exists(code: str) -> bool:
    return Unit.objects.filter(code__iexact=code).exists()


def username_exists(username: str) -> bool:
    """Whether the province has an account of that name (another province's
    people are not told apart from names nobody holds)."""
    return province_accounts().filter(username__iexact=username).exists()


# Events as people read them -----------------------------------------------------------

# An answer's value, shown as one line "Value" (see survey.answer_types).
VALUE_KEYS = frozenset(
    {"yes", "number", "denominator", "choice", "checks", "date", "text", "is_na"}
)
# Keys that name the step taken rather than a value (shown as what was done).
STEP_KEY = "action"

# Labels of the keys that are not a field of the event's object.
KEY_LABELS = {
    "units": gettext_lazy("Units taking part"),
    "answers": gettext_lazy("Answers imported"),
    "nodes": gettext_lazy("Framework items"),
    "year": gettext_lazy("Year"),
    "created": gettext_lazy("Account created"),
    "role": gettext_lazy("Role"),
    "unit": gettext_lazy("Unit"),
    "reviewer_units": gettext_lazy("Units to review"),
    "reviewer_unit": gettext_lazy("Unit to review"),
    "indicators": gettext_lazy("Indicators"),
    "file": gettext_lazy("File"),
    "email": gettext_lazy("E-mail address"),
    "from": gettext_lazy("Copied from version"),
    "kind": gettext_lazy("Kind"),
    "node": gettext_lazy("Indicator"),
    "id": gettext_lazy("Number"),
}

# What was done, for the steps that are not a change of state.
STEP_LABELS = {
    "create": gettext_lazy("Campaign created"),
    "settings": gettext_lazy("Campaign settings changed"),
    "participation": gettext_lazy("Participation changed"),
}

# Numbers that are names (a year, an id): shown without a thousands separator.
PLAIN_KEYS = frozenset({"year", "id", "from"})
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class AuditRow:
    """One event of the screen: what was done, to what, and each change as
    ``(label, before, after)``."""

    event: AuditEvent
    what: str
    target: str
    changes: list[tuple[str, str, str]]


def audit_rows(*, events: list[AuditEvent]) -> list[AuditRow]:
    """``events`` (a page of :func:`audit_search`) as people read them; a fixed
    number of queries whatever their number."""
    context = _Context(events)
    return [
        AuditRow(e, _what(e), context.target(e), _changes(e, context)) for e in events
    ]


class _Context:
    """The objects a page of events names, read in one query per kind."""

    def __init__(self, events: list[AuditEvent]) -> None:
        answer_ids = _ids(events, "survey.answer")
        self.answers = Answer.objects.select_related("node").in_bulk(answer_ids)
        assessment_ids = {e.assessment_id for e in events if e.assessment_id}
        self.assessments = Assessment.objects.select_related(
            "unit", "campaign"
        ).in_bulk(assessment_ids)
        self.campaigns = Campaign.objects.in_bulk(_ids(events, "survey.campaign"))
        self.users = User.objects.in_bulk(_ids(events, "survey.user"))
        codes = {
            (e.after or e.before or {}).get("node")
            for e in events
            if e.object_type == "survey.evidence"
        }
        self.nodes_by_code = {}
        if codes - {None}:
            versions = {a.version_id for a in self.assessments.values()}
            for node in Node.objects.filter(code__in=codes, version_id__in=versions):
                self.nodes_by_code[(node.version_id, node.code)] = node

    def node(self, event: AuditEvent) -> Node | None:
        if event.object_type == "survey.answer":
            answer = self.answers.get(_int(event.object_id))
            return answer.node if answer else None
        return None

    def target(self, event: AuditEvent) -> str:
        assessment = self.assessments.get(event.assessment_id)
        node = self.node(event)
        code = node.code if node else None
        if event.object_type == "survey.evidence":
            code = (event.after or event.before or {}).get("node")
        if assessment is not None:
            parts = [str(assessment.unit), str(assessment.campaign.year)]
            return " · ".join(parts + ([code] if code else []))
        named = {"survey.campaign": self.campaigns, "survey.user": self.users}
        obj = named.get(event.object_type, {}).get(_int(event.object_id))
        return str(obj) if obj is not None else _object_name(event)


def _ids(events: list[AuditEvent], object_type: str) -> list[int]:
    return [
        pk
        for e in events
        if e.object_type == object_type and (pk := _int(e.object_id)) is not None
    ]


def _int(text: str) -> int | None:
    return int(text) if text and text.isdigit() else None


def _object_name(event: AuditEvent) -> str:
    model = _model(event.object_type)
    name = capfirst(model._meta.verbose_name) if model else event.object_type
    return f"{name} #{event.object_id}" if event.object_id else str(name)


def _model(object_type: str) -> type[Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _what(event: AuditEvent) -> str:
    """What was done: the action's name, evidence named as such."""
    if event.object_type == "survey.evidence":
        if event.action == AuditEvent.Action.DOWNLOAD:
            return _("Download evidence")
        if event.before is None:
            return _("Add evidence")
        if event.after is None:
            return _("Remove evidence")
        return _("Change evidence")
    step = (event.after or {}).get(STEP_KEY)
    if event.action == AuditEvent.Action.TRANSITION and step in STEP_LABELS:
        return str(STEP_LABELS[step])
    return event.get_action_display()


def _changes(event: AuditEvent, context: _Context) -> list[tuple[str, str, str]]:
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    model = _model(event.object_type)
    node = context.node(event)
    rows = []
    if event.object_type == "survey.evidence":
        old, new = before.get("text", ""), after.get("text", "")
        return [(_("Evidence"), old, new or "—")]
    keys = [k for k in {**before, **after} if k != STEP_KEY]
    if node is not None and VALUE_KEYS & set(keys):
        old, new = _answer_shown(node, before), _answer_shown(node, after)
        if old != new:
            rows.append((_("Value"), old, new))
        keys = [k for k in keys if k not in VALUE_KEYS]
    for key in keys:
        label, shown = _field_reader(model, key, node)
        old = shown(before[key]) if key in before else ""
        new = shown(after[key]) if key in after else ""
        if old != new and (old or new != "—"):  # an empty value newly noted: nothing
            rows.append((label, old, new))
    return rows


def _answer_shown(node: Node, values: dict) -> str:
    """An answer's value in the trail; "—" when none was given."""
    given = [values.get(k) for k in VALUE_KEYS]
    if all(v in (None, "", [], False) for v in given):
        return "—"
    return answer_display(node, values)


def _field_reader(model, key: str, node: Node | None):
    """``(label, function showing a value)`` of ``key`` of ``model``'s events."""
    field = None
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
    if field is not None and not field.concrete:
        field = None  # a relation the other way: no label or choices of its own
    label = str(KEY_LABELS.get(key) or (field and field.verbose_name) or key)
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    if key == "verified_value" and node is not None:
        return capfirst(label), lambda v: answer_display(node, v or {})
    if choices:
        return capfirst(label), lambda v: str(choices.get(v, _shown(v)))
    if key in PLAIN_KEYS:
        return capfirst(label), lambda v: "—" if v is None else str(v)
    return capfirst(label), _shown


def _shown(value) -> str:
    """A stored value as people read it."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    text = str(value)
    if ISO_DATE.match(text):
        return date.fromisoformat(text).strftime("%d/%m/%Y")
    if DECIMAL.match(text):
        return format_number(text)
    return text
