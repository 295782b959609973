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
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from survey.errors import SurveyError
from survey.importers.issues import ImportFailed
from survey.importers.tabular import (
    Sheet,
    parse_bool,
    read_csv,
    read_xlsx,
)
from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    Membership,
    Node,
    Notification,
)
from survey.numbers import DEFAULT_FILE_FORMAT, NumberFormat, read_number
from survey.selectors.verification import unit_reviewers
from survey.services.answers import _check_combined, _parse, answer_values
from survey.services.audit import audit_record
from survey.services.campaigns import CampaignInvalid
from survey.services.notifications import notify
from survey.services.points import answer_points

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
VERDICTS = frozenset({R.AGREED, R.DISAGREED})


@dataclass(frozen=True)
class SupplyResult:
    """What :func:`province_values_supply` did: ``saved`` values stored (new or
    changed), ``skipped`` units (code → reason) and ``reopened`` verdicts."""

    saved: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    reopened: int = 0


@dataclass(frozen=True)
class SupplyScope:
    """Which units and indicators a person may supply values for: everything
    (coordinator), or per unit id the indicator codes (None: all of them)."""

    everything: bool = False
    units: dict[int, frozenset[str] | None] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.everything or bool(self.units)

    def allows(self, *, unit_id: int, code: str) -> bool:
        if self.everything:
            return True
        if unit_id not in self.units:
            return False
        codes = self.units[unit_id]
        return codes is None or code in codes

    def allows_code(self, code: str) -> bool:
        """Whether some unit in scope has indicator ``code``."""
        return self.everything or any(
            codes is None or code in codes for codes in self.units.values()
        )


def supply_scope(*, user) -> SupplyScope:
    """The scope of :class:`SupplyScope` for ``user``: the coordinator supplies
    everything; a reviewer the indicators they review for their units (as
    :func:`survey.selectors.scope.reviewer_codes` reads the memberships)."""
    if not user.is_authenticated or not user.is_active:
        return SupplyScope()
    memberships = Membership.objects.filter(
        user=user, role__in=[Membership.Role.REVIEWER, Membership.Role.COORDINATOR]
    ).prefetch_related("indicators")
    units: dict[int, frozenset[str] | None] = {}
    for membership in memberships:
        if membership.role == Membership.Role.COORDINATOR:
            return SupplyScope(everything=True)
        if membership.unit_id is None:
            continue
        codes = frozenset(indicator.code for indicator in membership.indicators.all())
        known = units.get(membership.unit_id, frozenset())
        units[membership.unit_id] = (
            None if not codes or known is None else known | codes
        )
    return SupplyScope(units=units)


def supply_indicators(
    *, campaign: Campaign, scope: SupplyScope | None = None
) -> list[Node]:
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


def parse_supplied(
    node: Node,
    raw: dict[str, str],
    *,
    precision: int = 2,
    number_format: NumberFormat | None = DEFAULT_FILE_FORMAT,
) -> dict[str, Any]:
    """Typed values from the text typed or imported (``value``, ``denominator``),
    numbers read in ``number_format`` (the page's, or the one declared for a file)
    and checked as the questionnaire checks them.

    Raises ``ValueError`` with a translated message."""
    text = (raw.get("value") or "").strip()
    if node.answer_type == Node.AnswerType.YES_NO:
        yes = parse_bool(text)
        if yes is None or not text:
            raise ValueError(_("Write yes or no."))
        values: dict[str, Any] = {"yes": yes}
    else:
        try:
            number = read_number(raw.get("value"), number_format)
            denominator = read_number(raw.get("denominator"), number_format)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
        if number is None:
            raise ValueError(_("Enter a number."))
        values = {"number": number}
        if node.answer_type == Node.AnswerType.RATIO:
            if denominator is None:
                raise ValueError(_("Enter the denominator too."))
            values["denominator"] = denominator
    cleaned, out = _parse(node, values)
    probe = Answer(node=node, is_na=False, **cleaned)
    _check_combined(node, probe, precision, out)
    if out.errors:
        raise ValueError(_errors_text(out.errors))
    return cleaned


def _errors_text(errors: dict[str, list[tuple[str, Any]]]) -> str:
    texts = []
    for name, items in errors.items():
        for _code, message in items:
            if name == "denominator":
                texts.append(_("Denominator: %(message)s") % {"message": message})
            else:
                texts.append(str(message))
    return " ".join(texts)


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
    scope = supply_scope(user=user)
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
        if not _may_supply(scope, assessment, node):
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


def _may_supply(scope: SupplyScope, assessment: Assessment, node: Node) -> bool:
    return scope.allows(unit_id=assessment.unit_id, code=node.code)


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
    if not (value_changed and answer.review_status in VERDICTS):
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


def read_supply_file(content: bytes, *, filename: str) -> dict[str, dict[str, str]]:
    """Rows of an .xlsx or .csv file with columns ``unit_code``, ``value`` and
    (ratios) ``denominator``, keyed by unit code."""
    try:
        if filename.lower().endswith(".csv"):
            sheet = read_csv(content, name=filename)
        else:
            sheet = next(iter(read_xlsx(content).values()), None)
    except ImportFailed as failed:
        raise CampaignInvalid(
            {"file": "; ".join(issue.message() for issue in failed.issues)}
        ) from None
    if sheet is None or "unit_code" not in sheet.header or "value" not in sheet.header:
        raise CampaignInvalid(
            {"file": _("The file needs the columns unit_code and value.")}
        )
    return _supply_rows(sheet)


def _supply_rows(sheet: Sheet) -> dict[str, dict[str, str]]:
    rows, errors = {}, {}
    for number, row in sheet.rows:
        code = row.get("unit_code", "").strip()
        if code in rows:
            errors[f"{number}"] = _("The unit %(code)s appears twice.") % {"code": code}
        rows[code] = {
            "value": row.get("value", ""),
            "denominator": row.get("denominator", ""),
        }
    if errors:
        raise CampaignInvalid(errors)
    return rows
