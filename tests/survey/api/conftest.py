"""The world the API's tests read: a VERIFICATION world (two departments, their
editors and approvers, reviewers, a coordinator, a committee viewer), filled, with
a verdict, free text and an evidence file on indicator 1.1, and an account that
holds no role."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from survey.models import Answer, Evidence, User
from tests.survey.worlds import VERIFICATION, build_world


def api_world():
    world = build_world(shape=VERIFICATION, decision_number="12/QĐ-UBND")
    world.fill()
    answer = world.answer("1.1")
    answer.comment = "Đã ban hành quy chế"
    answer.reviewer_explanation = "Đủ hồ sơ"
    answer.review_status = Answer.ReviewStatus.AGREED
    answer.verified_points = 10
    answer.save()
    evidence = Evidence(
        answer=answer,
        kind="file",
        original_name="quy-che.pdf",
        content_type="application/pdf",
        size=4,
        summary="Quy chế",
    )
    evidence.file.save("quy-che.pdf", ContentFile(b"%PDF"), save=True)
    world.users["nobody"] = User.objects.create_user("khong-vai-tro", password="x")
    return world


@pytest.fixture
def world():
    return api_world()


@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker):
    """The same world for a whole module of read-only tests, rolled back at the
    end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield api_world()
        transaction.set_rollback(True)
