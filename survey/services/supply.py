"""Province-supplied values: one indicator's values for many units at once, typed
in or imported from a spreadsheet exported by a provincial system.

Each value is checked as the questionnaire checks it (survey.services.answers), and
an import is all or nothing: every value is read and checked first, and a bad one
refuses the whole import, even one for an assessment already verified or
published. The good values of such assessments are left alone (reported as
skipped). When a value changes on an answer that already has a verdict (agreed or
disagreed), the verdict no longer holds: the answer goes back to pending, the
change is in the audit trail and the unit's reviewers are told. The state table
has no transition from a verdict back to pending (those are taken only by the
application here), so the status is set directly and audited as a verdict event;
an answer returned for correction stays returned until the unit resubmits.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from survey import states
from survey.errors import SurveyError
from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    Node,
    Notification,
)
from survey.numbers import DEFAULT_FILE_FORMAT, NumberFormat
from survey.results.points import answer_points
from survey.selectors.scope import Scope, action_scope
from survey.selectors.verification import unit_reviewers
from survey.services.answers import answer_values
from survey.services.audit import audit_event
from survey.services.campaigns import CampaignInvalid
from survey.services.notifications import notify
from survey.services.supply_reading import SupplyRow, parse_supplied

SUPPLIABLE_TYPES = frozenset(
    {
        Node.AnswerType.YES_NO,
        Node.AnswerType.COUNT,
        Node.AnswerType.NUMBER,
        Node.AnswerType.PERCENTAGE,
        Node.AnswerType.MONEY,
        Node.AnswerType.POINTS,
        Node.AnswerType.RATIO,
    }
)
# Fields a supplied value sets; a change of any of them reopens a verdict.
SUPPLIED_FIELDS = ("yes", "number", "denominator", "is_na")
R = Answer.ReviewStatus


@dataclass(frozen=True)
class SupplyResult:
    """What a supply did: ``saved`` values stored (new or changed), values left
    ``unchanged``, ``skipped`` rows (row key → reason) and ``reopened`` verdicts."""

    saved: int = 0
    skipped: dict[Any, str] = field(default_factory=dict)
    reopened: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class SupplyOrigin:
    """Where supplied values come from, recorded on each answer: the source's
    name (a feed's, or empty for the page) and the API token, if any."""

    source: str = ""
    token: Any = None


def supply_indicators(*, campaign: Campaign, scope: Scope | None = None) -> list[Node]:
    """Indicators of ``campaign``'s versions whose values the province can supply
    (those in ``scope``, if given)."""
    nodes = list(
        Node.objects.filter(
            version__campaign_uses__campaign=campaign,
            kind=Node.Kind.INDICATOR,
            answer_type__in=SUPPLIABLE_TYPES,
        )
        .select_related("version__framework")
        .order_by("version", "order", "id")
    )
    if scope is None:
        return nodes
    return [node for node in nodes if scope.allows_code(node.code)]


def supply_refusal(assessment: Assessment) -> str | None:
    """Why values cannot be supplied for ``assessment`` any more, or None."""
    if assessment.state == Assessment.State.VERIFIED:
        return _("The assessment is already verified; its values are kept.")
    if assessment.state == Assessment.State.PUBLISHED:
        return _("The assessment is already published; its values are kept.")
    return None


@transaction.atomic
def province_values_supply(
    *,
    campaign: Campaign,
    node: Node,
    rows: dict[str, dict[str, str]],
    user,
    number_format: NumberFormat | None = DEFAULT_FILE_FORMAT,
) -> SupplyResult:
    """Store one indicator's values for many units at once (keyed by unit code),
    marked as supplied by the province; all or nothing: any bad row raises
    :class:`CampaignInvalid` (unit code → message) and nothing is stored.
    Typed numbers are read in ``number_format`` (the page's, or the file's).
    Rows left blank are passed over.

    See :func:`values_supply` for the scope and the skipped assessments.
    """
    return values_supply(
        campaign=campaign,
        rows=[
            SupplyRow(key=code, unit=code, raw=raw, node=node)
            for code, raw in rows.items()
        ],
        user=user,
        number_format=number_format,
        skip_blank=True,
    )


@dataclass(frozen=True)
class SupplyCheck:
    """What :func:`supply_check` found: the rows that would be stored (row key,
    assessment, indicator, typed values), the skipped rows and the refused ones
    (row key → reason)."""

    parsed: list[tuple[Any, Assessment, Node, dict]]
    skipped: dict[Any, str]
    errors: dict[Any, str]


@transaction.atomic
def values_supply(
    *,
    campaign: Campaign,
    rows: list[SupplyRow],
    user,
    number_format: NumberFormat | None = DEFAULT_FILE_FORMAT,
    origin: SupplyOrigin = SupplyOrigin(),
    skip_blank: bool = False,
) -> SupplyResult:
    """Store many indicators' values for many units at once, marked as supplied
    by the province from ``origin``; all or nothing: every bad row is named in
    :class:`CampaignInvalid` (row key → message) and nothing is stored.

    A reviewer supplies values only for the units and indicators in their scope.
    Verified and published assessments are skipped (see :class:`SupplyResult`).
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    checked = supply_check(
        campaign=campaign,
        rows=rows,
        user=user,
        number_format=number_format,
        skip_blank=skip_blank,
        lock=True,
    )
    if checked.errors:
        raise CampaignInvalid(checked.errors)
    return _supply_all(checked, user, origin)


def supply_check(
    *,
    campaign: Campaign,
    rows: list[SupplyRow],
    user,
    number_format: NumberFormat | None = DEFAULT_FILE_FORMAT,
    skip_blank: bool = False,
    lock: bool = False,
) -> SupplyCheck:
    """Check ``rows`` as :func:`values_supply` does, writing nothing (a preview).
    Raises :class:`SurveyError` when the campaign does not run."""
    if campaign.state in (Campaign.State.PUBLISHED, Campaign.State.DRAFT):
        raise SurveyError(_("Values can be supplied only while the campaign runs."))
    if skip_blank:
        rows = [row for row in rows if not _blank(row.raw.get("value"))]
    assessments = _assessments(campaign, {row.unit for row in rows}, lock=lock)
    nodes = _suppliable_nodes(campaign, {row.code for row in rows if row.node is None})
    scope = action_scope(user=user, action="supply_values")
    checked = SupplyCheck(parsed=[], skipped={}, errors={})
    seen: set[tuple[int, int]] = set()
    for row in rows:
        assessment = assessments.get(row.unit)
        node = _row_node(row, assessment, nodes)
        if isinstance(node, str):
            checked.errors[row.key] = node
        elif not scope.allows(unit_id=assessment.unit_id, code=node.code):
            checked.errors[row.key] = _("This unit is outside your scope.")
        elif (assessment.pk, node.pk) in seen:
            checked.errors[row.key] = _(
                "The value of this unit for this indicator is given twice."
            )
        else:
            seen.add((assessment.pk, node.pk))
            _check_one(checked, row, assessment, node, number_format)
    return checked


def _check_one(checked: SupplyCheck, row, assessment, node, number_format) -> None:
    """Read the row's value first: a bad value refuses the batch even when its
    assessment is verified or published; a good one of such an assessment is
    skipped with the reason."""
    try:
        values = parse_supplied(
            node,
            row.raw,
            precision=assessment.version.precision,
            number_format=number_format,
        )
    except ValueError as error:
        checked.errors[row.key] = str(error)
        return
    if refusal := supply_refusal(assessment):
        checked.skipped[row.key] = refusal
        return
    checked.parsed.append((row.key, assessment, node, values))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _assessments(campaign: Campaign, codes: set[str], *, lock: bool) -> dict:
    """The assessments of the units called ``codes``, keyed by unit code (locked
    until the end of the transaction when ``lock``)."""
    found = campaign.assessments.filter(unit__code__in=codes).select_related(
        "unit", "version"
    )
    if lock:
        found = found.select_for_update(of=("self",))
    return {a.unit.code: a for a in found}


def _suppliable_nodes(campaign: Campaign, codes: set[str]) -> dict:
    """Suppliable indicators called ``codes``, keyed by (version id, code)."""
    if not codes:
        return {}
    found = Node.objects.filter(
        version__campaign_uses__campaign=campaign,
        kind=Node.Kind.INDICATOR,
        code__in=codes,
    )
    return {(n.version_id, n.code): n for n in found}


def _row_node(row: SupplyRow, assessment: Assessment | None, nodes: dict):
    """The indicator ``row`` supplies for ``assessment``, or why there is none."""
    if assessment is None:
        return _("This unit has no assessment in this campaign.")
    node = row.node or nodes.get((assessment.version_id, row.code))
    if node is None or node.version_id != assessment.version_id:
        if row.node is None and not any(code == row.code for _v, code in nodes):
            return _("There is no indicator with this code in this campaign.")
        return _("This unit does not answer this indicator in this campaign.")
    if node.answer_type not in SUPPLIABLE_TYPES:
        return _("The province cannot supply values for this indicator.")
    if not node.applies_to_unit(
        unit_type=assessment.unit.unit_type,
        provides_procedures=assessment.provides_procedures,
    ):
        return _("This unit does not answer this indicator in this campaign.")
    return node


# Every field a supply may write on an answer.
WRITTEN_FIELDS = (
    *SUPPLIED_FIELDS,
    "self_points",
    "points_error",
    "supplied_by_province",
    "supply_source",
    "supplied_at",
    "supplied_token",
    "updated_by",
    "updated_at",
    "version",
    "review_status",
    "verified_value",
    "verified_points",
    "reviewer_explanation",
)


def _supply_all(checked: SupplyCheck, user, origin: SupplyOrigin) -> SupplyResult:
    """Store the rows ``checked``: the answers read and created in a few queries,
    each changed one written once, one audit event per changed answer (and one
    per verdict withdrawn) appended together, then the reviewers of each
    withdrawn verdict told."""
    now = timezone.now()
    answers = _answers_for(checked.parsed)
    changed: list[Answer] = []
    events: list[AuditEvent] = []
    reopened: list[Answer] = []
    for _key, assessment, node, values in checked.parsed:
        answer = answers[(assessment.pk, node.pk)]
        answer.assessment, answer.node = assessment, node
        stored, value_changed = _supply_one(
            answer, node, values, user, origin, now, events
        )
        if not stored:
            continue
        changed.append(answer)
        if value_changed and answer.review_status in states.VERDICT_GIVEN:
            events.append(_verdict_reopen(answer, assessment, user))
            reopened.append(answer)
    for answer in changed:  # quicker than bulk_update's CASE over many fields
        answer.save(update_fields=WRITTEN_FIELDS)
    AuditEvent.objects.bulk_create(events, batch_size=500)
    for answer in reopened:
        _reviewers_tell(answer.assessment, answer.node, user)
    return SupplyResult(
        saved=len(changed),
        skipped=checked.skipped,
        reopened=len(reopened),
        unchanged=len(checked.parsed) - len(changed),
    )


def _answers_for(parsed) -> dict[tuple[int, int], Answer]:
    """The answers of the rows ``parsed``, locked: those stored, and the others
    created at once (a unit may save one meanwhile: then that one is used)."""
    pairs = {(a.pk, node.pk) for _key, a, node, _values in parsed}
    found = _answers_stored(pairs)
    missing = pairs - found.keys()
    if missing:
        Answer.objects.bulk_create(
            [Answer(assessment_id=a, node_id=n) for a, n in sorted(missing)],
            batch_size=500,
            ignore_conflicts=True,
        )
        found |= _answers_stored(missing)
    return found


def _answers_stored(pairs) -> dict[tuple[int, int], Answer]:
    """The answers stored for the (assessment, indicator) ``pairs``, locked."""
    found = Answer.objects.select_for_update().filter(
        assessment_id__in={a for a, _n in pairs}, node_id__in={n for _a, n in pairs}
    )
    return {
        (a.assessment_id, a.node_id): a
        for a in found
        if (a.assessment_id, a.node_id) in pairs
    }


def _supply_one(
    answer: Answer, node: Node, values: dict, user, origin, now, events: list
) -> tuple[bool, bool]:
    """Set one unit's value on ``answer`` (written later, with the others) and
    add its audit event to ``events``; returns (to be stored, value changed)."""
    assessment = answer.assessment
    before = answer_values(answer)
    for name, value in values.items():
        setattr(answer, name, value)
    answer.is_na = False
    after = answer_values(answer)
    value_changed = any(before[f] != after[f] for f in SUPPLIED_FIELDS)
    if not value_changed and answer.supplied_by_province:
        return False, False
    points, error = answer_points(
        node=node,
        values={f: getattr(answer, f) for f in ("yes", "number", "denominator")},
        is_na=False,
        precision=assessment.version.precision,
    )
    answer.self_points, answer.points_error = points, error
    answer.supplied_by_province = True
    answer.supply_source = origin.source
    answer.supplied_at = now
    answer.supplied_token = origin.token
    answer.updated_by = user
    answer.updated_at = now
    answer.version += 1
    events.append(
        audit_event(
            actor=user,
            action=AuditEvent.Action.ANSWER_CHANGE,
            obj=answer,
            assessment_id=assessment.pk,
            before=before,
            after={**after, "supplied_by_province": True, "source": origin.source},
            reason=_supply_reason(origin),
        )
    )
    return True, value_changed


def _supply_reason(origin: SupplyOrigin) -> str:
    if not origin.source:
        return _("Supplied by the province")
    return _("Supplied by the province from %(source)s") % {"source": origin.source}


def _verdict_reopen(answer: Answer, assessment: Assessment, user) -> AuditEvent:
    """The verdict was given on the old value: back to pending (written with the
    value); returns the audit event of the withdrawal."""
    before = {
        "review_status": answer.review_status,
        "verified_value": answer.verified_value,
        "verified_points": _points_text(answer.verified_points),
        "reviewer_explanation": answer.reviewer_explanation,
    }
    answer.review_status = R.PENDING
    answer.verified_value = {}
    answer.verified_points = None
    answer.reviewer_explanation = ""
    return audit_event(
        actor=user,
        action=AuditEvent.Action.VERDICT,
        obj=answer,
        assessment_id=assessment.pk,
        before=before,
        after={
            "review_status": R.PENDING,
            "verified_value": {},
            "verified_points": None,
            "reviewer_explanation": "",
        },
        reason=_("The province supplied a new value; the verdict must be given again."),
    )


def _reviewers_tell(assessment: Assessment, node: Node, user) -> None:
    """Tell the reviewers of ``node`` that the verdict on it was withdrawn."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "The province supplied a new value for indicator %(code)s; "
            "the verdict given on the old value was withdrawn and the answer "
            "is waiting for verification again."
        ) % {"code": node.code}
    notify(
        users=unit_reviewers(unit=assessment.unit, node=node),
        kind=Notification.Kind.RESUBMITTED,
        assessment=assessment,
        node=node,
        actor=user,
        text=text,
    )


def _points_text(points) -> str | None:
    return None if points is None else format(points.normalize(), "f")
