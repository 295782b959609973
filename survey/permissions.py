"""Who may do what: one table of role × action, and the check with object scope.

The table is the single source: ``docs/permissions.md`` is generated from it
(``manage.py permissions_doc``) and the tests walk every cell, allowed and refused.

Object scope: a unit role (editor, approver, reviewer) counts only for its own unit,
and a reviewer whose membership lists indicators only for those indicators. Data
outside a person's scope does not exist for them (404); an action their role never
grants on data they can see is forbidden (403).
"""

from dataclasses import dataclass
from enum import Enum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from survey.models import Membership, Node, Unit
from survey.selectors.scope import reviewer_in_scope, user_roles

Role = Membership.Role
EDITOR, APPROVER, REVIEWER = Role.EDITOR, Role.APPROVER, Role.REVIEWER
COORDINATOR, COMMITTEE = Role.COORDINATOR, Role.COMMITTEE
ROLES: tuple[str, ...] = tuple(value for value, _label in Role.choices)


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    roles: frozenset[str]
    # Whether the action concerns one unit's data (scope checked) or the province.
    scoped: bool = True


def _a(code: str, label, *roles: str, scoped: bool = True) -> Action:
    return Action(code, str(label), frozenset(roles), scoped)


# The labels stay English here (the doc is in English); screens use their own text.
ACTIONS: tuple[Action, ...] = (
    _a(
        "view_assessment",
        "See an assessment, its answers and evidence",
        EDITOR,
        APPROVER,
        REVIEWER,
        COORDINATOR,
        COMMITTEE,
    ),
    _a(
        "read_free_text",
        "Read comments, explanations and evidence summaries",
        EDITOR,
        APPROVER,
        REVIEWER,
        COORDINATOR,
    ),
    _a("edit_answer", "Fill or change answers and evidence", EDITOR, APPROVER),
    _a("submit", "Submit or resubmit the unit's assessment", APPROVER),
    _a(
        "download_evidence",
        "Download an uploaded evidence file",
        EDITOR,
        APPROVER,
        REVIEWER,
        COORDINATOR,
    ),
    _a(
        "view_history",
        "See the history of an answer (audit trail)",
        APPROVER,
        REVIEWER,
        COORDINATOR,
    ),
    _a(
        "comment",
        "Write in an indicator's comment thread",
        EDITOR,
        APPROVER,
        REVIEWER,
        COORDINATOR,
    ),
    _a(
        "review_answer",
        "Give a verdict (agree / disagree) on an answer",
        REVIEWER,
        COORDINATOR,
    ),
    _a("return_answer", "Return an answer to the unit", REVIEWER, COORDINATOR),
    _a(
        "supply_values",
        "Enter or import province-supplied values of an indicator",
        REVIEWER,
        COORDINATOR,
    ),
    _a(
        "manage_campaign", "Create, open and close campaigns", COORDINATOR, scoped=False
    ),
    _a(
        "view_progress",
        "See the progress board of a campaign",
        COORDINATOR,
        COMMITTEE,
        scoped=False,
    ),
    _a(
        "publish",
        "Share preliminary results, publish, reopen",
        COORDINATOR,
        scoped=False,
    ),
    _a(
        "view_dashboard",
        "See dashboards and download reports",
        COORDINATOR,
        COMMITTEE,
        scoped=False,
    ),
    _a(
        "manage_accounts",
        "Create, deactivate accounts; assign reviewers",
        COORDINATOR,
        scoped=False,
    ),
    _a("view_audit", "Search the audit trail", COORDINATOR, scoped=False),
)
BY_CODE = {action.code: action for action in ACTIONS}
# Role labels for the doc, in English whatever the language of the command.
ROLE_LABELS = {
    EDITOR: "Unit editor",
    APPROVER: "Unit approver",
    REVIEWER: "Reviewer",
    COORDINATOR: "Coordinator",
    COMMITTEE: "Committee viewer",
}


class Decision(Enum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"  # 403: the role never grants this
    NOT_FOUND = "not_found"  # 404: the data is outside the person's scope


def role_allows(role: str, action: str) -> bool:
    """The table's cell: whether ``role`` grants ``action`` (no scope)."""
    return role in BY_CODE[action].roles


def decide(
    *, user, action: str, unit: Unit | None = None, node: Node | None = None
) -> Decision:
    """Whether ``user`` may take ``action`` on ``unit``'s data (and ``node``)."""
    entry = BY_CODE[action]
    if not entry.scoped:
        roles = user_roles(user=user)
        return Decision.ALLOWED if roles & entry.roles else Decision.FORBIDDEN
    roles = user_roles(user=user, unit=unit)
    if unit is not None and not roles:
        return Decision.NOT_FOUND
    if (
        node is not None
        and REVIEWER in roles
        and not reviewer_in_scope(user=user, unit=unit, node=node)
    ):
        roles = roles - {REVIEWER}
        if not roles:
            return Decision.NOT_FOUND
    return Decision.ALLOWED if roles & entry.roles else Decision.FORBIDDEN


def can(*, user, action: str, unit: Unit | None = None, node: Node | None = None):
    return decide(user=user, action=action, unit=unit, node=node) is Decision.ALLOWED


def permission_require(
    *, user, action: str, unit: Unit | None = None, node: Node | None = None
) -> None:
    """Raise ``Http404`` outside the person's scope, ``PermissionDenied`` when their
    role does not grant ``action``; return quietly when allowed."""
    decision = decide(user=user, action=action, unit=unit, node=node)
    if decision is Decision.NOT_FOUND:
        raise Http404(_("Not found."))
    if decision is Decision.FORBIDDEN:
        raise PermissionDenied


def permissions_markdown() -> str:
    """``docs/permissions.md``, generated from :data:`ACTIONS`."""
    head = ["Action", "What", *[ROLE_LABELS[r] for r in ROLES]]
    lines = [
        "# Permissions: role × action",
        "",
        "Generated from `survey/permissions.py` by `manage.py permissions_doc`;",
        "do not edit by hand (a test checks that this file matches the code).",
        "",
        "✓ allowed, — refused (403). Scoped actions concern one unit's data: unit",
        "roles count only for their own unit, and a reviewer scoped to indicators",
        "only for those indicators; data outside a person's scope answers 404.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" for _h in head) + "|",
    ]
    for entry in ACTIONS:
        cells = ["✓" if role in entry.roles else "—" for role in ROLES]
        scope = "" if entry.scoped else " (province)"
        lines.append(
            f"| `{entry.code}` | {entry.label}{scope} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines) + "\n"
