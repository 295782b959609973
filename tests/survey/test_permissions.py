"""The role × action table (survey.permissions): every cell allowed and refused,
object scope (another unit: 404; another reviewer's indicators: 404), and the
generated docs/permissions.md."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from worlds import VERIFICATION, build_world, make_user

from survey import permissions
from survey.models import Membership
from survey.permissions import ACTIONS, ROLES, Decision, decide, permission_require

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]
DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"
CELLS = [
    pytest.param(role, action.code, id=f"{role}-{action.code}")
    for role in ROLES
    for action in ACTIONS
]


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def test_the_table_names_every_role_and_no_unknown_one():
    assert set(ROLES) == {value for value, _label in Membership.Role.choices}
    for action in ACTIONS:
        assert action.roles <= set(ROLES), action.code
    assert len({a.code for a in ACTIONS}) == len(ACTIONS)


@pytest.mark.parametrize(("role", "action"), CELLS)
def test_every_cell_of_the_table_on_the_persons_own_unit(world, role, action):
    user = make_user(f"u-{role}", role, world.unit)
    expected = role in permissions.BY_CODE[action].roles
    decision = decide(user=user, action=action, unit=world.unit)
    if role == Membership.Role.NATIONAL and permissions.BY_CODE[action].scoped:
        # The national coordinator holds no unit's data: it does not exist for them.
        assert not expected
        assert decision is Decision.NOT_FOUND
        return
    assert decision is (Decision.ALLOWED if expected else Decision.FORBIDDEN)
    assert permissions.role_allows(role, action) is expected
    node = world.nodes["2.1"]
    with_node = decide(user=user, action=action, unit=world.unit, node=node)
    assert (with_node is Decision.ALLOWED) is expected


SCOPED = [a.code for a in ACTIONS if a.scoped]
UNIT_ROLES = ["editor", "approver", "reviewer"]


@pytest.mark.parametrize("action", SCOPED)
@pytest.mark.parametrize("role", UNIT_ROLES)
def test_another_units_data_is_not_found(world, role, action):
    user = make_user(f"u-{role}", role, world.other_unit)
    assert decide(user=user, action=action, unit=world.unit) is Decision.NOT_FOUND
    with pytest.raises(Http404):
        permission_require(user=user, action=action, unit=world.unit)


@pytest.mark.parametrize("action", SCOPED)
def test_another_reviewers_indicators_are_not_found(world, action):
    police = world.police
    general, security = world.nodes["1.1"], world.nodes["2.1"]
    outside = decide(user=police, action=action, unit=world.unit, node=general)
    assert outside is Decision.NOT_FOUND
    inside = decide(user=police, action=action, unit=world.unit, node=security)
    expected = "reviewer" in permissions.BY_CODE[action].roles
    assert (inside is Decision.ALLOWED) is expected
    # The reviewer of every indicator sees both.
    for node in (general, security):
        verdict = decide(user=world.reviewer, action=action, unit=world.unit, node=node)
        assert (verdict is Decision.ALLOWED) is expected


@pytest.mark.parametrize("action", SCOPED)
def test_province_roles_reach_every_unit(world, action):
    for role in ("coordinator", "committee"):
        user = getattr(world, role)
        expected = role in permissions.BY_CODE[action].roles
        for unit in (world.unit, world.other_unit):
            decision = decide(
                user=user, action=action, unit=unit, node=world.nodes["1.1"]
            )
            assert decision is (Decision.ALLOWED if expected else Decision.FORBIDDEN)


def test_a_forbidden_action_raises_permission_denied(world):
    with pytest.raises(PermissionDenied):
        permission_require(user=world.editor, action="submit", unit=world.unit)
    with pytest.raises(PermissionDenied):
        permission_require(user=world.reviewer, action="view_audit")
    permission_require(user=world.approver, action="submit", unit=world.unit)
    permission_require(user=world.coordinator, action="view_audit")


def test_a_deactivated_or_anonymous_person_can_do_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    world.coordinator.is_active = False
    world.coordinator.save()
    for user in (world.coordinator, AnonymousUser()):
        assert decide(user=user, action="view_audit") is Decision.FORBIDDEN
        decision = decide(user=user, action="view_assessment", unit=world.unit)
        assert decision is Decision.NOT_FOUND


def test_the_committed_doc_is_generated_from_the_table():
    assert DOC.read_text(encoding="utf-8") == permissions.permissions_markdown()
    call_command("permissions_doc", "--check")


def test_the_doc_lists_every_cell():
    text = permissions.permissions_markdown()
    for action in ACTIONS:
        line = next(row for row in text.splitlines() if f"`{action.code}`" in row)
        marks = [cell.strip() for cell in line.strip("|").split("|")[2:]]
        assert marks == ["✓" if r in action.roles else "—" for r in ROLES]


def test_the_check_fails_when_the_doc_is_stale(tmp_path, monkeypatch):
    from survey.management.commands import permissions_doc

    stale = tmp_path / "permissions.md"
    stale.write_text("old", encoding="utf-8")
    monkeypatch.setattr(permissions_doc, "DOC", stale)
    with pytest.raises(CommandError):
        call_command("permissions_doc", "--check")
    call_command("permissions_doc")
    assert stale.read_text(encoding="utf-8") == permissions.permissions_markdown()
