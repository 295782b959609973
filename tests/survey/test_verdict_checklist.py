"""A disagreement on a checklist indicator keeps the verification screen working.

The verified value of a checklist is a list of ticked criteria; the screen must show
it back ticked, for every viewer, after the verdict is stored.
"""

import pytest
from django.urls import reverse
from worlds import VERIFICATION, build_world

from survey.models import Answer, Node
from survey.services.answers import answer_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]
CHECKS = [
    {"code": "a", "vi": "Có quy chế", "points": 2},
    {"code": "b", "vi": "Có kế hoạch", "points": 3},
    {"code": "c", "vi": "Có báo cáo", "points": 5},
]


@pytest.fixture
def world():
    world = build_world(shape=VERIFICATION)
    general = world.pillars[0]
    node = Node.objects.create(
        version=world.version,
        parent=general,
        code="1.4",
        kind="indicator",
        order=99,
        name_vi="Chỉ số danh mục",
        answer_type="checklist",
        rule="checks",
        rule_params={"checks": CHECKS},
        max_points=10,
    )
    world.nodes["1.4"] = node
    world.fill()
    answer_save(
        assessment=world.assessment,
        node=node,
        values={"checks": ["a", "b", "c"]},
        expected_version=0,
        user=world.editor,
    )
    world.assessment = world.submit()
    return world


def test_a_checklist_disagreement_is_shown_ticked_on_the_screen(client, world):
    node = world.nodes["1.4"]
    prefix = f"v{node.pk}-"
    client.force_login(world.reviewer)
    verify = reverse("survey:verify", args=[world.assessment.pk])
    response = client.post(
        reverse("survey:verdict", args=[world.assessment.pk, node.pk]),
        {
            prefix + "verdict": "disagree",
            prefix + "explanation": "Chưa có báo cáo",
            prefix + "checks": ["a", "b"],
        },
    )
    assert response.status_code == 302
    answer = Answer.objects.get(assessment=world.assessment, node=node)
    assert answer.review_status == Answer.ReviewStatus.DISAGREED
    assert answer.verified_value == {"checks": ["a", "b"]}

    for viewer in (world.reviewer, world.coordinator):
        client.force_login(viewer)
        page = client.get(verify)
        assert page.status_code == 200
        form = next(i.form for i in page.context["items"] if i.node == node)
        assert form.initial["checks"] == ["a", "b"]
        html = page.content.decode()
        assert f'name="{prefix}checks" value="a"' in html
