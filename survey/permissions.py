"""Who may do what: one table of role × action, and the check with object scope.

The table is the single source: ``docs/permissions.md`` is generated from it
(``manage.py permissions_doc``) and the tests walk every cell, allowed and refused.
Views and services ask :func:`permission_require`, :func:`can` or :func:`decide`;
list pages ask the scopes of :mod:`survey.selectors.scope`, built on this table.

Object scope: a unit role (editor, approver, reviewer) counts only for its own unit,
a province-wide role (coordinator, committee viewer) only for the units of its
own province, and a reviewer whose membership lists indicators only for those
indicators (:func:`membership_codes`). The national coordinator holds no unit's
data: national frameworks and the published results of every province. Data
outside a person's scope does not exist for them (404); an action their role
never grants on data they can see is forbidden (403).
Asked without a unit, a unit's action is allowed to whoever may take it for some
unit (menus and list pages).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from survey.models import Membership, Node, Unit

Role = Membership.Role
EDITOR, APPROVER, REVIEWER = Role.EDITOR, Role.APPROVER, Role.REVIEWER
COORDINATOR, COMMITTEE = Role.COORDINATOR, Role.COMMITTEE
NATIONAL = Role.NATIONAL
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
    _a(
        "open_questionnaire",
        "Open the unit's questionnaire: its steps and its review page",
        EDITOR,
        APPROVER,
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
        "view_review_list",
        "See the list of assessments to verify",
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
        "plan_improvements",
        "Try answers hypothetically on the scorecard and keep a plan for next year",
        EDITOR,
        APPROVER,
        COORDINATOR,
    ),
    _a(
        "view_unshared_results",
        "See a unit's rank and its group's figures before they are shared "
        "with the units",
        REVIEWER,
        COORDINATOR,
        COMMITTEE,
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
        "download_full_reports",
        "Download the reports with comments and explanations",
        COORDINATOR,
        scoped=False,
    ),
    _a(
        "manage_frameworks",
        "See and import framework versions (a province's own, or the national "
        "ones for the national coordinator)",
        COORDINATOR,
        NATIONAL,
        scoped=False,
    ),
    _a(
        "manage_accounts",
        "Create, deactivate accounts; assign reviewers",
        COORDINATOR,
        scoped=False,
    ),
    _a("view_audit", "Search the audit trail", COORDINATOR, scoped=False),
    _a(
        "manage_feeds",
        "Set up feed sources and their column mappings; import their files",
        COORDINATOR,
        scoped=False,
    ),
    _a(
        "view_national_results",
        "Compare the published results of every province",
        NATIONAL,
        scoped=False,
    ),
)
BY_CODE = {action.code: action for action in ACTIONS}
# Role labels for the doc, in English whatever the language of the command.
ROLE_LABELS = {
    EDITOR: "Unit editor",
    APPROVER: "Unit approver",
    REVIEWER: "Reviewer",
    COORDINATOR: "Coordinator",
    COMMITTEE: "Committee viewer",
    NATIONAL: "National coordinator",
}


class Decision(Enum):
    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"  # 403: the role never grants this
    NOT_FOUND = "not_found"  # 404: the data is outside the person's scope


def role_allows(role: str, action: str) -> bool:
    """The table's cell: whether ``role`` grants ``action`` (no scope)."""
    return role in BY_CODE[action].roles


def roles_allow(*, roles: Iterable[str], action: str) -> bool:
    """Whether any of ``roles`` (a person's roles for the data at hand) grants
    ``action``."""
    return bool(BY_CODE[action].roles.intersection(roles))


# The memberships behind a decision -----------------------------------------------


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


def membership_codes(membership: Membership) -> frozenset[str] | None:
    """Codes of the indicators a reviewer's membership covers: None means all of
    the unit's (it lists none). Matched by code, so a list carries across framework
    versions. Read it with the membership's indicators prefetched."""
    codes = frozenset(indicator.code for indicator in membership.indicators.all())
    return codes or None


def covers(codes: frozenset[str] | None, node: Node) -> bool:
    """Whether ``codes`` (None: all) hold ``node``."""
    return codes is None or node.code in codes


def reviewer_codes(*, user, unit: Unit) -> frozenset[str] | None:
    """Codes of ``unit``'s indicators that ``user`` reviews as its reviewer: None
    means all of them; empty when they are not its reviewer."""
    membership = (
        Membership.unscoped.filter(user=user, unit=unit, role=REVIEWER)
        .prefetch_related("indicators")
        .first()
    )
    return frozenset() if membership is None else membership_codes(membership)


def user_roles(*, user, unit: Unit | None = None, node: Node | None = None) -> set[str]:
    """Roles ``user`` holds for ``unit`` (unit roles) plus the province-wide roles
    of ``unit``'s province; with ``node``, a reviewer's role counts only when they
    review that indicator."""
    if not _active(user):
        return set()
    if unit is None:
        held = Q(unit__isnull=True)
    else:
        held = Q(unit__isnull=True, province_id=unit.province_id) | Q(unit=unit)
    memberships = Membership.unscoped.filter(held, user=user)
    roles = set(memberships.values_list("role", flat=True))
    reviewing = node is not None and REVIEWER in roles
    if reviewing and not covers(reviewer_codes(user=user, unit=unit), node):
        roles.discard(REVIEWER)
    return roles


def user_role_names(*, user) -> set[str]:
    """Every role ``user`` holds, for any unit or province-wide."""
    if not _active(user):
        return set()
    return set(Membership.unscoped.filter(user=user).values_list("role", flat=True))


# The check ---------------------------------------------------------------------------


def decide(
    *, user, action: str, unit: Unit | None = None, node: Node | None = None
) -> Decision:
    """Whether ``user`` may take ``action`` on ``unit``'s data (and ``node``); a
    province-wide action, or a unit's action asked without a unit, counts every
    role the person holds."""
    if not BY_CODE[action].scoped or unit is None:
        roles = user_role_names(user=user)
        allowed = roles_allow(roles=roles, action=action)
        return Decision.ALLOWED if allowed else Decision.FORBIDDEN
    roles = user_roles(user=user, unit=unit, node=node)
    if not roles:
        return Decision.NOT_FOUND
    allowed = roles_allow(roles=roles, action=action)
    return Decision.ALLOWED if allowed else Decision.FORBIDDEN


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


def actions_anywhere(*, user) -> frozenset[str]:
    """The actions ``user`` may take for some unit or province-wide (menus)."""
    roles = user_role_names(user=user)
    return frozenset(a.code for a in ACTIONS if roles_allow(roles=roles, action=a.code))


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
        "Menus and list pages open a unit's action to whoever may take it for",
        "some unit, and list only the units (and indicators) where they may.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" for _h in head) + "|",
    ]
    for entry in ACTIONS:
        cells = ["✓" if role in entry.roles else "—" for role in ROLES]
        scope = "" if entry.scoped else " (province)"
        if entry.roles <= {NATIONAL}:
            scope = " (all provinces)"
        lines.append(
            f"| `{entry.code}` | {entry.label}{scope} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines) + "\n"
