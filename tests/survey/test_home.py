"""The home page: each person's assessments, with the links their role can use."""

import pytest
from django.urls import reverse
from worlds import VERIFICATION, build_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _links(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("survey:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_units_staff_get_the_questionnaire(client):
    world = build_world(shape=VERIFICATION)
    page = _links(client, world.editor)
    assert reverse("survey:questionnaire", args=[world.assessment.pk]) in page
    assert reverse("survey:verify", args=[world.assessment.pk]) not in page


def test_reviewers_get_the_verification_screen_not_the_questionnaire(client):
    world = build_world(shape=VERIFICATION)
    page = _links(client, world.police)
    assert reverse("survey:verify", args=[world.assessment.pk]) in page
    assert reverse("survey:questionnaire", args=[world.assessment.pk]) not in page


def test_committee_viewers_get_neither(client):
    world = build_world(shape=VERIFICATION)
    page = _links(client, world.committee)
    assert reverse("survey:questionnaire", args=[world.assessment.pk]) not in page
    assert reverse("survey:verify", args=[world.assessment.pk]) not in page
    assert reverse("reports:scorecard", args=[world.assessment.pk]) in page


def test_the_menu_follows_the_roles(client):
    world = build_world(shape=VERIFICATION)
    verification = reverse("survey:review_list")
    assert verification in _links(client, world.police)
    assert verification not in _links(client, world.editor)
    assert reverse("survey:campaign_list") in _links(client, world.coordinator)
    assert reverse("survey:campaign_list") not in _links(client, world.police)


def test_the_unit_gets_its_scorecard_link_with_the_preliminary_results(client):
    from survey.models import Campaign

    world = build_world(shape=VERIFICATION)
    scorecard = reverse("reports:scorecard", args=[world.assessment.pk])
    assert world.assessment.campaign.state == Campaign.State.OPEN
    assert scorecard not in _links(client, world.editor)
    Campaign.objects.filter(pk=world.assessment.campaign_id).update(
        state=Campaign.State.PRELIMINARY
    )
    assert scorecard in _links(client, world.editor)


def test_a_rows_links_are_a_list_without_separators(client):
    """The committee viewer's rows used to show a stray "·" where a separator
    started a wrapped line: the links are now a list spaced apart."""
    world = build_world(shape=VERIFICATION)
    page = _links(client, world.committee)
    links = page.split('<td class="links">', 1)[1].split("</td>", 1)[0]
    assert links.startswith('<ul class="c-links">')
    assert links.count("<li>") == 2  # the scorecard and the self-assessment report
    assert "·" not in links
