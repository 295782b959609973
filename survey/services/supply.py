"""Province-supplied values: one indicator's values for many units at once, typed
in or imported from a spreadsheet exported by a provincial system."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from survey.errors import SurveyError
from survey.importers.issues import ImportFailed
from survey.importers.tabular import (
    Sheet,
    parse_bool,
    parse_decimal,
    read_csv,
    read_xlsx,
)
from survey.models import Answer, Assessment, AuditEvent, Campaign, Node
from survey.selectors import reviewer_codes, user_roles
from survey.services.answers import answer_values
from survey.services.audit import audit_record
from survey.services.campaigns import CampaignInvalid
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


def supply_indicators(*, campaign: Campaign) -> list[Node]:
    """Indicators of ``campaign``'s versions whose values the province can supply."""
    return list(
        Node.objects.filter(
            version__campaign_uses__campaign=campaign,
            kind=Node.Kind.INDICATOR,
            answer_type__in=SUPPLIABLE_TYPES,
        )
        .select_related("version__framework")
        .order_by("version", "order", "id")
    )


def parse_supplied(node: Node, raw: dict[str, str]) -> dict[str, Any]:
    """Typed values from the text typed or imported (``value``, ``denominator``).

    Raises ``ValueError`` with a translated message."""
    text = (raw.get("value") or "").strip()
    if node.answer_type == Node.AnswerType.YES_NO:
        yes = parse_bool(text)
        if yes is None or not text:
            raise ValueError(_("Write yes or no."))
        return {"yes": yes}
    try:
        number = parse_decimal(text)
        denominator = parse_decimal(raw.get("denominator") or "")
    except ValueError:
        raise ValueError(_("Enter a number.")) from None
    if number is None:
        raise ValueError(_("Enter a number."))
    if number < 0 or (denominator is not None and denominator < 0):
        raise ValueError(_("Enter a number that is not negative."))
    values: dict[str, Any] = {"number": number}
    if node.answer_type == Node.AnswerType.RATIO:
        if denominator is None:
            raise ValueError(_("Enter the denominator too."))
        values["denominator"] = denominator
    return values


@transaction.atomic
def province_values_supply(
    *, campaign: Campaign, node: Node, rows: dict[str, dict[str, str]], user
) -> int:
    """Store one indicator's values for many units at once (keyed by unit code),
    marked as supplied by the province; all or nothing.

    A reviewer supplies values only for the units and indicators in their scope.
    """
    if campaign.state in (Campaign.State.PUBLISHED, Campaign.State.DRAFT):
        raise SurveyError(_("Values can be supplied only while the campaign runs."))
    assessments = {
        a.unit.code: a
        for a in campaign.assessments.filter(version=node.version).select_related(
            "unit"
        )
    }
    errors: dict[str, Any] = {}
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
        if not _may_supply(user, assessment, node):
            errors[code] = _("This unit is outside your scope.")
            continue
        try:
            parsed[code] = parse_supplied(node, raw)
        except ValueError as error:
            errors[code] = str(error)
    if errors:
        raise CampaignInvalid(errors)
    for code, values in parsed.items():
        _supply_one(assessments[code], node, values, user)
    return len(parsed)


def _may_supply(user, assessment: Assessment, node: Node) -> bool:
    roles = user_roles(user=user, unit=assessment.unit)
    if "coordinator" in roles:
        return True
    if "reviewer" not in roles:
        return False
    codes = reviewer_codes(user=user, unit=assessment.unit)
    return codes is None or node.code in codes


def _supply_one(assessment: Assessment, node: Node, values: dict, user) -> None:
    answer, _created = Answer.objects.select_for_update().get_or_create(
        assessment=assessment, node=node
    )
    before = answer_values(answer)
    for name, value in values.items():
        setattr(answer, name, value)
    answer.is_na = False
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
        after={**answer_values(answer), "supplied_by_province": True},
        reason=_("Supplied by the province"),
    )


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
