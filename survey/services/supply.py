"""Province-supplied values: one indicator's values for many units at once, typed
in or imported from a spreadsheet exported by a provincial system.

Each value is checked as the questionnaire checks it (survey.services.answers), and
an import is all or nothing. Assessments already verified or published are left
alone (reported as skipped). When a value changes on an answer that already has a
verdict (agreed or disagreed), the verdict no longer holds: the answer goes back to
pending, the change is in the audit trail and the unit's reviewers are told. The
state table has no transition from a verdict back to pending (those are taken only
by the application here), so the status is set directly and audited as a verdict
event; an answer returned for correction stays returned until the unit resubmits.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
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
from survey.services.audit import audit_record
from survey.services.campaigns import CampaignInvalid
from survey.services.notifications import notify
from survey.services.supply_reading import parse_supplied

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
    """What :func:`province_values_supply` did: ``saved`` values stored (new or
    changed), ``skipped`` units (code → reason) and ``reopened`` verdicts."""

    saved: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    reopened: int = 0


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

    A reviewer supplies values only for the units and indicators in their scope.
    Verified and published assessments are skipped (see :class:`SupplyResult`).
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state in (Campaign.State.PUBLISHED, Campaign.State.DRAFT):
        raise SurveyError(_("Values can be supplied only while the campaign runs."))
    assessments = {
        a.unit.code: a
        for a in campaign.assessments.filter(version=node.version)
        .select_for_update(of=("self",))
        .select_related("unit", "version")
    }
    scope = action_scope(user=user, action="supply_values")
    errors: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    parsed = {}
    for code, raw in rows.items():
        if not (raw.get("value") or "").strip():
            continue
        assessment = assessments.get(code)
        if assessment is None or not node.applies_to_unit(
            unit_type=assessment.unit.unit_type,
            provides_procedures=assessment.provides_procedures,
        ):
            errors[code] = _(
                "This unit does not answer this indicator in this campaign."
            )
            continue
        if not scope.allows(unit_id=assessment.unit_id, code=node.code):
            errors[code] = _("This unit is outside your scope.")
            continue
        refusal = supply_refusal(assessment)
        if refusal:
            skipped[code] = refusal
            continue
        try:
            parsed[code] = parse_supplied(
                node,
                raw,
                precision=assessment.version.precision,
                number_format=number_format,
            )
        except ValueError as error:
            errors[code] = str(error)
    if errors:
        raise CampaignInvalid(errors)
    saved = reopened = 0
    for code, values in parsed.items():
        changed, reopen = _supply_one(assessments[code], node, values, user)
        saved += changed
        reopened += reopen
    return SupplyResult(saved=saved, skipped=skipped, reopened=reopened)


def _supply_one(
    assessment: Assessment, node: Node, values: dict, user
) -> tuple[bool, bool]:
    """Store one unit's value; returns (stored, verdict reopened)."""
    answer, _created = Answer.objects.select_for_update().get_or_create(
        assessment=assessment, node=node
    )
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
    answer.updated_by = user
    answer.version += 1
    answer.save()
    audit_record(
        actor=user,
        action=AuditEvent.Action.ANSWER_CHANGE,
        obj=answer,
        assessment_id=assessment.pk,
        before=before,
        after={**after, "supplied_by_province": True},
        reason=_("Supplied by the province"),
    )
    if not (value_changed and answer.review_status in states.VERDICT_GIVEN):
        return True, False
    _verdict_reopen(answer, assessment, node, user)
    return True, True


def _verdict_reopen(answer: Answer, assessment: Assessment, node: Node, user):
    """The verdict was given on the old value: back to pending, audited, and the
    reviewers of ``node`` told."""
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
    answer.save(
        update_fields=[
            "review_status",
            "verified_value",
            "verified_points",
            "reviewer_explanation",
        ]
    )
    audit_record(
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
