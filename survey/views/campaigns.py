"""Campaign screens (coordinator): list, creation, progress board, state changes,
participation of each unit and province-supplied values."""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from survey import states
from survey.consequences import campaign_action_consequence, reminders_consequence
from survey.errors import PermissionRefused, SurveyError
from survey.forms.campaigns import (
    CampaignForm,
    ChangeForm,
    ParticipationForm,
    SettingsForm,
)
from survey.forms.lists import CampaignBoardFilter
from survey.models import (
    Assessment,
    Campaign,
)
from survey.permissions import can, permission_require, user_roles
from survey.selectors.campaigns import (
    campaign_board_assessments,
    campaign_groups,
    campaign_reviewers,
    campaign_state_counts,
    reviewers_by_unit,
)
from survey.selectors.questionnaire import assessment_progress
from survey.services.campaigns import (
    CampaignInvalid,
    assessment_participation_update,
    campaign_change,
    campaign_create,
    campaign_settings_update,
    default_participants,
)
from survey.services.reminders import (
    reminders_due,
    reminders_preview,
    reminders_send_now,
)
from survey.views.confirm import confirmation_page, is_confirmed

PAGE_SIZE = 50  # rows of the board

ACTION_LABELS = {
    "open": gettext_lazy("Open the campaign"),
    "close": gettext_lazy("Close submissions"),
    "reopen_submissions": gettext_lazy("Reopen submissions"),
    "share_preliminary": gettext_lazy("Share preliminary results"),
    "publish": gettext_lazy("Publish the results"),
    "reopen": gettext_lazy("Reopen the published campaign"),
}


def _campaign(request: HttpRequest, pk: int, action: str) -> Campaign:
    permission_require(user=request.user, action=action)
    return get_object_or_404(Campaign, pk=pk)


def _errors(request, error: SurveyError) -> None:
    if isinstance(error, CampaignInvalid):
        for message in error.errors.values():
            messages.error(request, str(message))
    else:
        messages.error(request, str(error.message))


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    permission_require(user=request.user, action="view_progress")
    context = {
        "campaigns": Campaign.objects.all(),
        "can_manage": can(user=request.user, action="manage_campaign"),
    }
    return render(request, "survey/campaigns/list.html", context)


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    permission_require(user=request.user, action="manage_campaign")
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        versions = form.versions()
        try:
            campaign = campaign_create(
                user=request.user,
                year=data["year"],
                name=data["name"],
                opens_on=data["opens_on"],
                deadline=data["deadline"],
                non_submission=data["non_submission"],
                versions=versions,
                participants=default_participants(
                    unit_types=list(versions), year=data["year"]
                ),
            )
        except CampaignInvalid as invalid:
            for name, message in invalid.errors.items():
                form.add_error(name if name in form.fields else None, str(message))
        else:
            messages.success(request, _("The campaign was created as a draft."))
            return redirect("survey:campaign_board", pk=campaign.pk)
    return render(request, "survey/campaigns/new.html", {"form": form})


@dataclass
class BoardRow:
    assessment: Assessment
    progress: object
    last_saved: object
    last_reminded: object
    reviewers: list
    days_left: int


def _board_rows(campaign: Campaign, assessments: list[Assessment]) -> list[BoardRow]:
    progress = assessment_progress(assessments=assessments)
    reviewers = reviewers_by_unit(unit_ids=[a.unit_id for a in assessments])
    today = timezone.localdate()
    return [
        BoardRow(
            a,
            progress[a.pk],
            a.last_saved,
            a.last_reminded,
            reviewers.get(a.unit_id, []),
            ((a.extended_until or campaign.deadline) - today).days,
        )
        for a in assessments
    ]


@login_required
def campaign_board(request: HttpRequest, pk: int) -> HttpResponse:
    """Per unit: state, completeness, last saved or submitted, last reminded,
    reviewers, days to the deadline; filtered by unit, state, unit type, group and
    reviewer, sorted by a column, a page at a time; the counts by state are the
    whole campaign's. A fixed number of queries whatever the units."""
    campaign = _campaign(request, pk, "view_progress")
    groups = campaign_groups(campaign=campaign)
    form = CampaignBoardFilter(
        request.GET,
        groups=groups,
        group_name=campaign.ranking_group_name,
        reviewers=campaign_reviewers(campaign=campaign),
    )
    assessments = form.selected(partial(campaign_board_assessments, campaign=campaign))
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _board_rows(campaign, list(page.object_list))
    roles = user_roles(user=request.user)
    actions = states.actions_from(
        machine=states.CAMPAIGN, source=campaign.state, roles=roles
    )
    context = {
        "campaign": campaign,
        "rows": rows,
        "counts": [
            (value, label, n)
            for (value, label), n in zip(
                Assessment.State.choices,
                campaign_state_counts(campaign=campaign).values(),
                strict=True,
            )
        ],
        "groups": groups,
        "form": form,
        "page": page,
        "sort": form.order,
        "filter_error": form.error,
        "can_remind": campaign.state == Campaign.State.OPEN
        and can(user=request.user, action="manage_campaign"),
        "actions": actions,
        "action_rows": [
            (t, campaign_action_consequence(campaign=campaign, action=t.action))
            for t in actions
        ],
        "can_manage": can(user=request.user, action="manage_campaign"),
        "can_feed": can(user=request.user, action="manage_feeds"),
        "settings_form": SettingsForm(
            initial={
                "name": campaign.name,
                "deadline": campaign.deadline,
                "non_submission": campaign.non_submission,
            }
        ),
    }
    return render(request, "survey/campaigns/board.html", context)


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "publish")
    form = ChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the decision date as dd/mm/yyyy."))
        return redirect("survey:campaign_board", pk=campaign.pk)
    data = form.cleaned_data
    if _needs_confirmation(request, campaign, data["action"]):
        return confirmation_page(
            request,
            message=campaign_action_consequence(
                campaign=campaign, action=data["action"]
            ),
            button=str(ACTION_LABELS[data["action"]]),
            cancel_url=reverse("survey:campaign_board", args=[campaign.pk]),
        )
    try:
        campaign = campaign_change(
            campaign=campaign,
            action=data["action"],
            user=request.user,
            reason=data["reason"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
        )
    except PermissionRefused as refused:
        messages.error(request, str(refused.message))
    except SurveyError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("The campaign is now: %(state)s.")
            % {"state": campaign.get_state_display()},
        )
    return redirect("survey:campaign_board", pk=campaign.pk)


def _needs_confirmation(request: HttpRequest, campaign: Campaign, action: str):
    # Every change of a campaign's state reaches all its units: each is asked
    # about, when it is possible now (otherwise the service says why not).
    possible = states.find_transition(
        machine=states.CAMPAIGN, action=action, source=campaign.state
    )
    return action in ACTION_LABELS and possible and not is_confirmed(request)


@login_required
@require_POST
def campaign_settings(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "manage_campaign")
    form = SettingsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("survey:campaign_board", pk=campaign.pk)
    try:
        campaign_settings_update(
            campaign=campaign, user=request.user, **form.cleaned_data
        )
    except SurveyError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The campaign's settings are saved."))
    return redirect("survey:campaign_board", pk=campaign.pk)


@login_required
def participation(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    """One unit's ranking group, flags and deadline extension in the campaign."""
    campaign = _campaign(request, pk, "manage_campaign")
    assessment = get_object_or_404(
        Assessment.objects.select_related("unit"), pk=assessment_pk, campaign=campaign
    )
    fields = ("ranking_group", "ranked", "provides_procedures", "extended_until")
    form = ParticipationForm(
        request.POST or None, initial={f: getattr(assessment, f) for f in fields}
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment_participation_update(
                assessment=assessment, user=request.user, **form.cleaned_data
            )
        except SurveyError as error:
            _errors(request, error)
        else:
            messages.success(
                request, _("Saved for %(unit)s.") % {"unit": assessment.unit}
            )
            return redirect("survey:campaign_board", pk=campaign.pk)
    context = {"campaign": campaign, "assessment": assessment, "form": form}
    return render(request, "survey/campaigns/participation.html", context)


@login_required
def campaign_reminders(request: HttpRequest, pk: int) -> HttpResponse:
    """Who "send now" would remind, with which text, a page at a time."""
    campaign = _campaign(request, pk, "manage_campaign")
    page = Paginator(reminders_due(campaign=campaign), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "campaign": campaign,
        "page": page,
        "drafts": reminders_preview(assessments=list(page.object_list)),
        "consequence": reminders_consequence(campaign=campaign),
    }
    return render(request, "survey/campaigns/reminders.html", context)


@login_required
@require_POST
def campaign_reminders_send(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "manage_campaign")
    if not is_confirmed(request):
        return confirmation_page(
            request,
            message=reminders_consequence(campaign=campaign),
            button=_("Send the reminders now"),
            cancel_url=reverse("survey:campaign_reminders", args=[campaign.pk]),
        )
    try:
        summary = reminders_send_now(campaign=campaign, user=request.user)
    except SurveyError as error:
        _errors(request, error)
        return redirect("survey:campaign_board", pk=campaign.pk)
    messages.success(
        request,
        _(
            "Reminded %(units)s units (%(mails)s mails); %(skipped)s already "
            "reminded today were left out."
        )
        % {"units": summary.units, "mails": summary.mails, "skipped": summary.skipped},
    )
    return redirect("survey:campaign_board", pk=campaign.pk)
