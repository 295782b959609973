"""Every page asks the permission table (survey.permissions): each action of the
table that a page needs, allowed and refused through that page, for every kind of
person; the menu follows the table; list pages list the scope of their action."""

from dataclasses import replace

import pytest
from django.urls import reverse
from worlds import VERIFICATION, build_world

from survey import permissions, states
from survey.models import Assessment, Campaign, Membership
from survey.permissions import (
    ACTIONS,
    BY_CODE,
    Decision,
    actions_anywhere,
    decide,
    role_allows,
)
from survey.results.compute import campaign_results_compute
from survey.selectors.scope import action_scope, assessments_for, indicator_codes
from survey.services.answer_access import assessment_edit_refusal
from survey.services.transitions import UNIT_ACTIONS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
# The world's accounts and the role each holds (the police reviews two indicators).
ROLE_OF = {
    "editor": "editor",
    "approver": "approver",
    "reviewer": "reviewer",
    "police": "reviewer",
    "coordinator": "coordinator",
    "committee": "committee",
}
PEOPLE = list(ROLE_OF)
MENU = {
    "view_review_list": "survey:review_list",
    "view_dashboard": "reports:campaign_list",
    "manage_campaign": "survey:campaign_list",
    "manage_frameworks": "survey:framework_list",
    "manage_accounts": "survey:account_list",
    "view_audit": "survey:audit_search",
}


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def _allowed(who: str, action: str) -> bool:
    return role_allows(ROLE_OF[who], action)


def _get(client, world, who: str, url: str) -> int:
    client.force_login(getattr(world, who))
    return client.get(url).status_code


# The table itself ------------------------------------------------------------------


def test_province_actions_are_granted_by_province_and_national_roles_only():
    no_unit = Membership.PROVINCE_ROLES | Membership.NATIONAL_ROLES
    for action in ACTIONS:
        if not action.scoped:
            assert action.roles <= no_unit, action.code


def test_the_units_moves_take_the_actions_of_the_table():
    moves = [
        t
        for t in states.TRANSITIONS
        if t.machine == states.ASSESSMENT and t.action in UNIT_ACTIONS
    ]
    assert {t.action for t in moves} == set(UNIT_ACTIONS)
    for move in moves:
        assert move.roles == BY_CODE[UNIT_ACTIONS[move.action]].roles, move.action


@pytest.mark.parametrize("action", [a.code for a in ACTIONS])
@pytest.mark.parametrize("who", PEOPLE)
def test_an_action_asked_without_a_unit_counts_every_role_held(world, who, action):
    decision = decide(user=getattr(world, who), action=action)
    expected = Decision.ALLOWED if _allowed(who, action) else Decision.FORBIDDEN
    assert decision is expected
    assert (action in actions_anywhere(user=getattr(world, who))) is (
        expected is Decision.ALLOWED
    )


@pytest.mark.parametrize("who", PEOPLE)
def test_the_menu_follows_the_table(client, world, who):
    client.force_login(getattr(world, who))
    page = client.get(reverse("survey:home")).content.decode()
    for action, name in MENU.items():
        shown = f'href="{reverse(name)}"' in page
        assert shown is _allowed(who, action), (who, action)


# Scopes of list pages --------------------------------------------------------------


def test_each_list_holds_the_units_where_the_action_is_granted(world):
    mine, other = world.assessment, world.other_assessment

    def listed(who, action):
        user = getattr(world, who)
        return set(assessments_for(user=user, action=action))

    assert listed("editor", "view_assessment") == {mine}
    assert listed("other_reviewer", "view_assessment") == {other}
    assert listed("committee", "view_assessment") == {mine, other}
    assert listed("editor", "open_questionnaire") == {mine}
    assert listed("reviewer", "open_questionnaire") == set()
    assert listed("police", "view_review_list") == {mine}
    assert listed("coordinator", "view_review_list") == {mine, other}
    assert listed("committee", "view_review_list") == set()


def test_indicator_codes_follow_the_reviewers_list(world):
    unit = world.unit

    def codes(who, action):
        return indicator_codes(user=getattr(world, who), action=action, unit=unit)

    assert codes("police", "view_assessment") == {"2.1", "2.2"}
    assert codes("police", "review_answer") == {"2.1", "2.2"}
    assert codes("reviewer", "review_answer") is None
    assert codes("coordinator", "review_answer") is None
    assert codes("editor", "view_assessment") is None
    assert codes("editor", "review_answer") == frozenset()
    assert codes("other_editor", "view_assessment") == frozenset()
    supply = action_scope(user=world.police, action="supply_values")
    assert supply.allows(unit_id=unit.pk, code="2.1")
    assert not supply.allows(unit_id=unit.pk, code="1.1")
    assert not supply.allows(unit_id=world.other_unit.pk)
    assert action_scope(user=world.coordinator, action="supply_values").everywhere
    assert not action_scope(user=world.committee, action="supply_values")


# Pages of each action, allowed and refused ------------------------------------------


def _pages(world) -> dict[str, tuple[list[str], int]]:
    """Per action, the pages that need it and the status of a refusal."""
    pk = world.assessment.pk
    return {
        "open_questionnaire": (
            [
                reverse("survey:questionnaire_step", args=[pk, "1"]),
                reverse("survey:assessment_review", args=[pk]),
            ],
            404,  # outside the person's list: the questionnaire does not exist
        ),
        "view_review_list": ([reverse("survey:review_list")], 403),
        "manage_frameworks": (
            [reverse("survey:framework_list"), reverse("survey:framework_import")],
            403,
        ),
        "supply_values": ([reverse("survey:supply", args=[world.campaign.pk])], 403),
        "manage_feeds": (
            [
                reverse("survey:feed_sources"),
                reverse("survey:feed_source_new"),
                reverse("survey:campaign_feeds", args=[world.campaign.pk]),
            ],
            403,
        ),
        "view_dashboard": (
            [
                reverse("reports:campaign_list"),
                reverse("reports:dashboard", args=[world.campaign.pk]),
            ],
            403,
        ),
    }


@pytest.mark.filterwarnings("ignore:Mean of empty slice")
@pytest.mark.parametrize(
    "action",
    [
        "open_questionnaire",
        "view_review_list",
        "manage_frameworks",
        "supply_values",
        "manage_feeds",
        "view_dashboard",
    ],
)
@pytest.mark.parametrize("who", PEOPLE)
def test_each_page_opens_to_the_roles_of_its_action(client, world, who, action):
    campaign_results_compute(campaign=world.campaign)
    urls, refused = _pages(world)[action]
    expected = 200 if _allowed(who, action) else refused
    for url in urls:
        assert _get(client, world, who, url) == expected, url


@pytest.mark.filterwarnings("ignore:Mean of empty slice")
@pytest.mark.parametrize("who", PEOPLE)
def test_results_show_early_to_the_roles_of_view_unshared_results(client, world, who):
    world.fill()
    campaign_results_compute(campaign=world.campaign)
    scorecard = reverse("reports:scorecard", args=[world.assessment.pk])
    early = 200 if _allowed(who, "view_unshared_results") else 403
    assert _get(client, world, who, scorecard) == early
    home = client.get(reverse("survey:home")).content.decode()
    assert (scorecard in home) is (early == 200)
    Campaign.objects.filter(pk=world.campaign.pk).update(
        state=Campaign.State.PRELIMINARY
    )
    assert _get(client, world, who, scorecard) == 200
    assert scorecard in client.get(reverse("survey:home")).content.decode()


@pytest.mark.filterwarnings("ignore:Mean of empty slice")
@pytest.mark.parametrize("who", ["coordinator", "committee"])
def test_the_full_reports_are_offered_to_the_roles_of_their_action(client, world, who):
    campaign_results_compute(campaign=world.campaign)
    client.force_login(getattr(world, who))
    page = client.get(reverse("reports:dashboard", args=[world.campaign.pk]))
    offered = 'name="committee"' in page.content.decode()
    assert offered is _allowed(who, "download_full_reports")


@pytest.mark.parametrize("role", list(permissions.ROLES))
def test_only_the_roles_of_edit_answer_may_change_answers(world, role):
    refusal = assessment_edit_refusal(assessment=world.assessment, roles={role})
    assert (refusal is None) is role_allows(role, "edit_answer")
    if refusal is not None:
        assert refusal.code == "role"


def test_the_units_moves_ask_the_table(client, world):
    url = reverse("survey:assessment_action", args=[world.assessment.pk])
    world.fill()
    client.force_login(world.editor)
    assert client.post(url, {"action": "submit", "confirmed": "1"}).status_code == 403
    assert client.post(url, {"action": "mark_ready"}).status_code == 302
    ready = Assessment.objects.get(pk=world.assessment.pk).state
    assert ready == Assessment.State.READY
    client.force_login(world.approver)
    assert client.post(url, {"action": "submit", "confirmed": "1"}).status_code == 302
    state = Assessment.objects.get(pk=world.assessment.pk).state
    assert state == Assessment.State.SUBMITTED


def test_the_history_shows_to_the_roles_of_view_history(client, world, monkeypatch):
    world.fill()
    world.submit()
    verify = reverse("survey:verify", args=[world.assessment.pk])
    client.force_login(world.reviewer)
    assert 'class="v-history"' in client.get(verify).content.decode()
    without = replace(BY_CODE["view_history"], roles=frozenset({"approver"}))
    monkeypatch.setitem(permissions.BY_CODE, "view_history", without)
    page = client.get(verify)
    assert page.status_code == 200
    assert 'class="v-history"' not in page.content.decode()
