"""Campaigns (coordinator): creation, participants, state changes, reminders and
province-supplied values."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from survey.errors import PermissionRefused, SurveyError
from survey.models import (
    Assessment,
    AuditEvent,
    Campaign,
    CampaignVersion,
    FrameworkVersion,
    Unit,
)
from survey.permissions import can
from survey.results.compute import campaign_results_refresh
from survey.services.audit import audit_record
from survey.services.transitions import campaign_transition


class CampaignInvalid(SurveyError):
    """Refused input; ``errors`` maps a field (or a row) to its message."""

    default_message = gettext_lazy("Some values are not valid; see the fields marked.")

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(code="invalid")
        self.errors = errors


def _require_coordinator(user) -> None:
    if not can(user=user, action="manage_campaign"):
        raise PermissionRefused(code="role")


# Creation and participants -----------------------------------------------------------


@dataclass(frozen=True)
class Participation:
    """A unit's settings for one campaign (its assessment)."""

    unit: Unit
    ranking_group: str = ""
    ranked: bool = True
    provides_procedures: bool = True


def default_participants(*, unit_types: list[str], year: int) -> list[Participation]:
    """Active units of ``unit_types``, with last campaign's group and flags when the
    unit took part in one (a new unit gets its type's name as group)."""
    units = (
        Unit.objects.filter(unit_type__in=unit_types)
        .exclude(active_to__lt=year)
        .exclude(active_from__gt=year)
    )
    last = {}
    for assessment in Assessment.objects.filter(
        unit__in=units, campaign__year__lt=year
    ).order_by("campaign__year", "id"):
        last[assessment.unit_id] = assessment
    rows = []
    for unit in units.order_by("unit_type", "name_vi"):
        before = last.get(unit.pk)
        rows.append(
            Participation(
                unit=unit,
                ranking_group=before.ranking_group
                if before
                else str(unit.get_unit_type_display()),
                ranked=before.ranked if before else True,
                provides_procedures=before.provides_procedures if before else True,
            )
        )
    return rows


@transaction.atomic
def campaign_create(
    *,
    user,
    year: int,
    name: str,
    opens_on: date,
    deadline: date,
    versions: dict[str, FrameworkVersion],
    participants: list[Participation],
    non_submission: str = Campaign.NonSubmission.ZERO,
) -> Campaign:
    """A draft campaign with its framework version per unit type and one
    assessment per participating unit."""
    _require_coordinator(user)
    errors: dict[str, Any] = {}
    if deadline < opens_on:
        errors["deadline"] = _("The deadline must not be before the opening date.")
    if not versions:
        errors["versions"] = _("Choose a framework version for at least one unit type.")
    for unit_type, version in versions.items():
        if version.unit_type != unit_type:
            errors["versions"] = _("A framework version serves another unit type.")
    missing = {p.unit.unit_type for p in participants} - set(versions)
    if missing:
        errors["participants"] = _(
            "Some units have no framework version for their type: %(types)s."
        ) % {"types": ", ".join(sorted(missing))}
    if errors:
        raise CampaignInvalid(errors)
    campaign = Campaign.objects.create(
        year=year,
        name=name,
        opens_on=opens_on,
        deadline=deadline,
        non_submission=non_submission,
    )
    CampaignVersion.objects.bulk_create(
        CampaignVersion(campaign=campaign, unit_type=t, version=v)
        for t, v in versions.items()
    )
    Assessment.objects.bulk_create(
        Assessment(
            campaign=campaign,
            unit=p.unit,
            version=versions[p.unit.unit_type],
            ranking_group=p.ranking_group,
            ranked=p.ranked,
            provides_procedures=p.provides_procedures,
        )
        for p in participants
    )
    audit_record(
        actor=user,
        action=AuditEvent.Action.TRANSITION,
        obj=campaign,
        before=None,
        after={"state": campaign.state, "action": "create", "units": len(participants)},
    )
    return campaign


@transaction.atomic
def campaign_settings_update(
    *, campaign: Campaign, user, name: str, deadline: date, non_submission: str
) -> Campaign:
    """Change a campaign's name, deadline and rule for units that never submit
    (until it is published)."""
    _require_coordinator(user)
    if campaign.state in (Campaign.State.PUBLISHED,):
        raise SurveyError(_("A published campaign cannot be changed; reopen it first."))
    if deadline < campaign.opens_on:
        raise CampaignInvalid(
            {"deadline": _("The deadline must not be before the opening date.")}
        )
    before = {
        "name": campaign.name,
        "deadline": campaign.deadline.isoformat(),
        "non_submission": campaign.non_submission,
    }
    campaign.name, campaign.deadline = name, deadline
    campaign.non_submission = non_submission
    campaign.save(update_fields=["name", "deadline", "non_submission"])
    campaign_results_refresh(campaign=campaign)
    after = {**before, "name": name, "deadline": deadline.isoformat()}
    after["non_submission"] = non_submission
    audit_record(
        actor=user,
        action=AuditEvent.Action.TRANSITION,
        obj=campaign,
        before=before,
        after={**after, "action": "settings"},
    )
    return campaign


@transaction.atomic
def assessment_participation_update(
    *,
    assessment: Assessment,
    user,
    ranking_group: str,
    ranked: bool,
    provides_procedures: bool,
    extended_until: date | None,
) -> Assessment:
    """One unit's group, flags and deadline extension in its campaign."""
    _require_coordinator(user)
    if assessment.campaign.state == Campaign.State.PUBLISHED:
        raise SurveyError(_("A published campaign cannot be changed; reopen it first."))
    fields = ("ranking_group", "ranked", "provides_procedures", "extended_until")
    before = {f: getattr(assessment, f) for f in fields}
    after = {
        "ranking_group": ranking_group.strip(),
        "ranked": ranked,
        "provides_procedures": provides_procedures,
        "extended_until": extended_until,
    }
    if before == after:
        return assessment
    for name, value in after.items():
        setattr(assessment, name, value)
    assessment.save(update_fields=[*fields, "updated_at"])
    campaign_results_refresh(campaign=assessment.campaign)
    audit_record(
        actor=user,
        action=AuditEvent.Action.TRANSITION,
        obj=assessment,
        assessment_id=assessment.pk,
        before=_jsonable(before),
        after={**_jsonable(after), "action": "participation"},
    )
    return assessment


def _jsonable(values: dict) -> dict:
    return {
        k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()
    }


@transaction.atomic
def campaign_change(
    *,
    campaign: Campaign,
    action: str,
    user,
    reason: str = "",
    decision_number: str = "",
    decision_date: date | None = None,
) -> Campaign:
    """Open, close, share preliminary results, publish (with the approving
    decision's number and date) or reopen (with a reason), through the table."""
    if action == "publish":
        if not decision_number.strip() or decision_date is None:
            raise CampaignInvalid(
                {
                    "decision_number": _(
                        "Enter the number and date of the approving decision."
                    )
                }
            )
        Campaign.objects.filter(pk=campaign.pk).update(
            decision_number=decision_number.strip(), decision_date=decision_date
        )
        campaign.decision_number = decision_number.strip()
        campaign.decision_date = decision_date
    return campaign_transition(
        campaign=campaign, action=action, user=user, reason=reason
    )
