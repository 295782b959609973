"""Campaign screens (coordinator): list, creation, progress board, state changes,
participation of each unit and province-supplied values."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from survey import states
from survey.answer_types import (
    DEFAULT_FILE_FORMAT,
    NUMBER_FORMATS,
    NumberFormat,
    number_format_named,
    page_number_format,
)
from survey.consequences import campaign_action_consequence
from survey.errors import PermissionRefused, SurveyError
from survey.models import (
    Assessment,
    Campaign,
    FrameworkVersion,
    Node,
    UnitType,
)
from survey.permissions import can, permission_require
from survey.selectors.campaigns import (
    campaign_board_assessments,
    campaign_groups,
    campaign_state_counts,
    last_activity,
    reviewers_by_unit,
    unit_names_in_campaign,
)
from survey.selectors.questionnaire import assessment_progress
from survey.selectors.scope import user_roles
from survey.services.campaigns import (
    CampaignInvalid,
    assessment_participation_update,
    campaign_change,
    campaign_create,
    campaign_settings_update,
    default_participants,
)
from survey.services.supply import (
    province_values_supply,
    read_supply_file,
    supply_indicators,
    supply_refusal,
    supply_scope,
)
from survey.text import UNSTORABLE, all_storable
from survey.views.confirm import confirmation_page, is_confirmed

ACTION_LABELS = {
    "open": gettext_lazy("Open the campaign"),
    "close": gettext_lazy("Close submissions"),
    "reopen_submissions": gettext_lazy("Reopen submissions"),
    "share_preliminary": gettext_lazy("Share preliminary results"),
    "publish": gettext_lazy("Publish the results"),
    "reopen": gettext_lazy("Reopen the published campaign"),
}

# Forms -------------------------------------------------------------------------------


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year assessed"), min_value=2015)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    opens_on = forms.DateField(label=gettext_lazy("Opens on"))
    deadline = forms.DateField(label=gettext_lazy("Deadline"))
    non_submission = forms.ChoiceField(
        label=gettext_lazy("Units that never submit"),
        choices=Campaign.NonSubmission.choices,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for unit_type, label in UnitType.choices:
            self.fields[f"version_{unit_type}"] = forms.ModelChoiceField(
                label=label,
                queryset=FrameworkVersion.objects.filter(unit_type=unit_type)
                .select_related("framework")
                .order_by("-year", "-number"),
                required=False,
                empty_label=_("Does not take part"),
            )

    def versions(self) -> dict[str, FrameworkVersion]:
        return {
            unit_type: self.cleaned_data[f"version_{unit_type}"]
            for unit_type, _label in UnitType.choices
            if self.cleaned_data.get(f"version_{unit_type}")
        }


class SettingsForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    deadline = forms.DateField(label=gettext_lazy("Deadline"))
    non_submission = forms.ChoiceField(
        label=gettext_lazy("Units that never submit"),
        choices=Campaign.NonSubmission.choices,
    )


class ParticipationForm(forms.Form):
    ranking_group = forms.CharField(
        label=gettext_lazy("Ranking group"), max_length=80, required=False
    )
    ranked = forms.BooleanField(label=gettext_lazy("Ranked"), required=False)
    provides_procedures = forms.BooleanField(
        label=gettext_lazy("Provides administrative procedures"), required=False
    )
    extended_until = forms.DateField(
        label=gettext_lazy("Deadline extended until"), required=False
    )


class ChangeForm(forms.Form):
    action = forms.CharField()
    reason = forms.CharField(required=False, max_length=2000)
    decision_number = forms.CharField(required=False, max_length=80)
    decision_date = forms.DateField(required=False)


# Helpers -----------------------------------------------------------------------------


def _campaign(request: HttpRequest, pk: int, action: str) -> Campaign:
    permission_require(user=request.user, action=action)
    return get_object_or_404(Campaign, pk=pk)


def _errors(request, error: SurveyError) -> None:
    if isinstance(error, CampaignInvalid):
        for message in error.errors.values():
            messages.error(request, str(message))
    else:
        messages.error(request, str(error.message))


# Views -------------------------------------------------------------------------------


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
    last_activity: object
    reviewers: list
    days_left: int


@login_required
def campaign_board(request: HttpRequest, pk: int) -> HttpResponse:
    """Per unit: state, completeness, last activity, reviewers, days to the deadline;
    filtered by state and group; a fixed number of queries whatever the units."""
    campaign = _campaign(request, pk, "view_progress")
    state = request.GET.get("state", "")
    group = request.GET.get("group", "")
    filter_error = "" if all_storable([state, group]) else UNSTORABLE
    if filter_error:  # no group or state can hold such text: nothing matches
        state, group = "", ""
    assessments = (
        []
        if filter_error
        else campaign_board_assessments(campaign=campaign, state=state, group=group)
    )
    progress = assessment_progress(assessments=assessments)
    activity = last_activity(assessment_ids=[a.pk for a in assessments])
    reviewers = reviewers_by_unit(unit_ids=[a.unit_id for a in assessments])
    today = timezone.localdate()
    rows = [
        BoardRow(
            a,
            progress[a.pk],
            activity.get(a.pk),
            reviewers.get(a.unit_id, []),
            ((a.extended_until or campaign.deadline) - today).days,
        )
        for a in assessments
    ]
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
        "groups": campaign_groups(campaign=campaign),
        "state": state,
        "group": group,
        "filter_error": filter_error,
        "actions": actions,
        "action_rows": [
            (t, campaign_action_consequence(campaign=campaign, action=t.action))
            for t in actions
        ],
        "can_manage": can(user=request.user, action="manage_campaign"),
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
def supply(request: HttpRequest, pk: int) -> HttpResponse:
    """One indicator's values for every unit at once: typed in, or imported from a
    spreadsheet exported by a provincial system; marked as supplied by the province.

    Open to the coordinator and to reviewers (``supply_values``); a reviewer sees
    and supplies only the units and indicators they review, which the service
    checks again row by row."""
    scope = supply_scope(user=request.user)
    if not scope:
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, pk=pk)
    indicators = supply_indicators(campaign=campaign, scope=scope)
    selected = request.POST.get("node") or request.GET.get("node") or ""
    node = next((n for n in indicators if str(n.pk) == selected), None)
    errors: dict = {}
    if request.method == "POST" and node is not None:
        try:
            result = province_values_supply(
                campaign=campaign,
                node=node,
                rows=_supply_rows(request, campaign),
                user=request.user,
                number_format=_supply_number_format(request),
            )
        except CampaignInvalid as invalid:
            errors = invalid.errors
            messages.error(request, _("Nothing was saved; correct the rows marked."))
        except SurveyError as error:
            messages.error(request, str(error.message))
        else:
            _supply_messages(request, campaign, result)
            return redirect(f"{request.path}?node={node.pk}")
    units = _supply_units(campaign, node, request, errors, scope)
    context = {
        "campaign": campaign,
        "indicators": indicators,
        "node": node,
        "units": units,
        "errors": errors,
        "error_list": _supply_error_list(campaign, errors),
        "is_ratio": node is not None and node.answer_type == Node.AnswerType.RATIO,
        "number_format": _supply_page_format(request),
        "number_formats": NUMBER_FORMATS.values(),
        "default_file_format": DEFAULT_FILE_FORMAT,
    }
    return render(request, "survey/campaigns/supply.html", context)


def _supply_page_format(request: HttpRequest) -> NumberFormat:
    """Values typed and refused are shown again in the format they were typed in."""
    posted = number_format_named(request.POST.get("number_format"))
    return posted if posted and "file" not in request.FILES else page_number_format()


def _supply_messages(request: HttpRequest, campaign: Campaign, result) -> None:
    messages.success(request, _("%(count)s value(s) saved.") % {"count": result.saved})
    if result.reopened:
        messages.warning(
            request,
            _(
                "%(count)s verdict(s) given on the old value were withdrawn; the "
                "reviewers were told."
            )
            % {"count": result.reopened},
        )
    names = unit_names_in_campaign(campaign=campaign, codes=result.skipped)
    for code, reason in result.skipped.items():
        messages.warning(
            request,
            _("%(unit)s: skipped. %(reason)s")
            % {"unit": names.get(code, code), "reason": reason},
        )


def _supply_error_list(campaign: Campaign, errors: dict) -> list[tuple[str, str]]:
    """Errors with the unit's name beside its code (file errors keep their key)."""
    names = unit_names_in_campaign(campaign=campaign, codes=errors)
    return [(names.get(key, key), message) for key, message in errors.items()]


def _supply_number_format(request: HttpRequest) -> NumberFormat | None:
    """The format the page showed its numbers in; for a file, the one chosen for
    its text cells (Vietnamese unless stated)."""
    if "file" in request.FILES:
        chosen = number_format_named(request.POST.get("file_number_format"))
        return chosen or DEFAULT_FILE_FORMAT
    return number_format_named(request.POST.get("number_format"))


def _supply_rows(request: HttpRequest, campaign: Campaign) -> dict:
    upload = request.FILES.get("file")
    if upload is not None:
        return read_supply_file(upload.read(), filename=upload.name)
    rows = {}
    for key, value in request.POST.items():
        if key.startswith("value:"):
            code = key.removeprefix("value:")
            rows[code] = {
                "value": value,
                "denominator": request.POST.get(f"denominator:{code}", ""),
            }
    return rows


def _supply_units(campaign, node, request, errors, scope) -> list:
    if node is None:
        return []
    assessments = campaign.assessments.filter(version=node.version).select_related(
        "unit"
    )
    answers = {
        a.assessment_id: a for a in node.answers.filter(assessment__campaign=campaign)
    }
    rows = []
    for a in assessments.order_by("unit__name_vi"):
        if not node.applies_to_unit(
            unit_type=a.unit.unit_type, provides_procedures=a.provides_procedures
        ):
            continue
        if not scope.allows(unit_id=a.unit_id, code=node.code):
            continue
        code = a.unit.code
        rows.append(
            {
                "unit": a.unit,
                "answer": answers.get(a.pk),
                "value": request.POST.get(f"value:{code}", ""),
                "denominator": request.POST.get(f"denominator:{code}", ""),
                "error": errors.get(code, ""),
                "refusal": supply_refusal(a),
            }
        )
    return rows
