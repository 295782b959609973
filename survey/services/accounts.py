"""Accounts (coordinator): bulk creation from a spreadsheet, deactivation, reviewer
assignment. New accounts get a mail with a link to choose their password."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from survey.errors import PermissionRefused, SurveyError
from survey.importers.issues import ImportFailed
from survey.importers.tabular import read_csv, read_xlsx
from survey.models import AuditEvent, Membership, Node, Unit, User
from survey.permissions import can
from survey.services.audit import audit_record

COLUMNS = ("username", "full_name", "email", "unit_code", "role")
ROLE_WORDS = {
    "editor": Membership.Role.EDITOR,
    "chuyên viên": Membership.Role.EDITOR,
    "approver": Membership.Role.APPROVER,
    "lãnh đạo": Membership.Role.APPROVER,
    "reviewer": Membership.Role.REVIEWER,
    "thẩm định": Membership.Role.REVIEWER,
    "coordinator": Membership.Role.COORDINATOR,
    "điều phối": Membership.Role.COORDINATOR,
    "committee": Membership.Role.COMMITTEE,
    "ban chỉ đạo": Membership.Role.COMMITTEE,
}


class AccountsInvalid(SurveyError):
    """Rows refused; ``errors`` lists ``(row, message)``; nothing was written."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__(
            _("Nothing was created; correct the rows listed."), code="invalid"
        )
        self.errors = errors


@dataclass(frozen=True)
class AccountRow:
    row: int
    username: str
    full_name: str
    email: str
    unit: Unit | None
    role: str


def _require(user) -> None:
    if not can(user=user, action="manage_accounts"):
        raise PermissionRefused(code="role")


def read_accounts_file(content: bytes, *, filename: str) -> list[AccountRow]:
    """Check every row of an .xlsx or .csv file (columns ``username``,
    ``full_name``, ``email``, ``unit_code``, ``role``); raises
    :class:`AccountsInvalid` listing every problem."""
    try:
        if filename.lower().endswith(".csv"):
            sheet = read_csv(content, name=filename)
        else:
            sheet = next(iter(read_xlsx(content).values()), None)
    except ImportFailed as failed:
        raise AccountsInvalid(
            [(0, issue.message()) for issue in failed.issues]
        ) from None
    if sheet is None or not set(COLUMNS) <= set(sheet.header):
        raise AccountsInvalid(
            [
                (
                    1,
                    _("The file needs the columns: %(columns)s.")
                    % {"columns": ", ".join(COLUMNS)},
                )
            ]
        )
    units = {u.code: u for u in Unit.objects.all()}
    taken = set(User.objects.values_list("username", flat=True))
    errors, rows, seen = [], [], set()
    for number, raw in sheet.rows:
        row, problems = _account_row(number, raw, units, taken | seen)
        errors += [(number, p) for p in problems]
        if row:
            rows.append(row)
            seen.add(row.username)
    if errors:
        raise AccountsInvalid(errors)
    return rows


def _account_row(number, raw, units, taken) -> tuple[AccountRow | None, list[str]]:
    username = raw.get("username", "").strip()
    email = raw.get("email", "").strip()
    role = ROLE_WORDS.get(raw.get("role", "").strip().lower())
    code = raw.get("unit_code", "").strip()
    problems = []
    if not username or len(username) > 150 or " " in username:
        problems.append(_("The user name is missing or has spaces."))
    elif username in taken:
        problems.append(
            _("The user name %(name)s already exists.") % {"name": username}
        )
    try:
        validate_email(email)
    except ValidationError:
        problems.append(_("The e-mail address is not valid."))
    if role is None:
        problems.append(_("Unknown role: %(role)s.") % {"role": raw.get("role", "")})
    unit = units.get(code) if code else None
    if role in Membership.PROVINCE_ROLES and code:
        problems.append(_("A coordinator or committee account has no unit."))
    elif role and role not in Membership.PROVINCE_ROLES and unit is None:
        problems.append(_("Unknown unit code: %(code)s.") % {"code": code})
    if problems:
        return None, problems
    return AccountRow(
        number, username, raw.get("full_name", "").strip(), email, unit, role
    ), []


@transaction.atomic
def accounts_create(*, rows: list[AccountRow], user, request=None) -> list[User]:
    """Create the accounts of ``rows`` (without a password) and mail each a link to
    choose one."""
    _require(user)
    created = []
    for row in rows:
        # A random password nobody knows: the mailed link sets the real one (an
        # unusable password would keep Django's reset form from mailing).
        account = User.objects.create_user(
            row.username,
            email=row.email,
            full_name=row.full_name,
            password=secrets.token_urlsafe(32),
        )
        Membership.objects.create(user=account, unit=row.unit, role=row.role)
        audit_record(
            actor=user,
            action=AuditEvent.Action.ACCOUNT,
            obj=account,
            after={
                "created": row.username,
                "role": row.role,
                "unit": row.unit.code if row.unit else "",
            },
        )
        created.append(account)
    emails = [a.email for a in created]
    transaction.on_commit(lambda: _send_password_links(emails, request))
    return created


def _send_password_links(emails: list[str], request) -> None:
    """Django's password reset mail, which also serves to choose a first password."""
    for email in emails:
        form = PasswordResetForm({"email": email})
        if form.is_valid():
            form.save(
                request=request,
                domain_override=None
                if request
                else settings.DTI_SITE_URL.split("://")[-1],
                use_https=bool(request and request.is_secure()),
                subject_template_name="survey/accounts/password_reset_subject.txt",
                email_template_name="survey/accounts/password_reset_email.txt",
                from_email=settings.DEFAULT_FROM_EMAIL,
            )


@transaction.atomic
def account_set_active(*, account: User, active: bool, user, reason: str = "") -> User:
    """Deactivate (or reactivate) ``account``; its sessions stop working at once
    and nothing it did is deleted."""
    _require(user)
    if account.pk == user.pk and not active:
        raise SurveyError(_("You cannot deactivate your own account."))
    if account.is_active == active:
        return account
    account.is_active = active
    account.save(update_fields=["is_active"])
    audit_record(
        actor=user,
        action=AuditEvent.Action.ACCOUNT,
        obj=account,
        before={"is_active": not active},
        after={"is_active": active},
        reason=reason,
    )
    return account


@transaction.atomic
def reviewer_assign(
    *, reviewer: User, units: list[Unit], indicators: list[Node], user
) -> int:
    """Make ``reviewer`` review ``units``: every indicator, or only ``indicators``
    (matched by code, so the scope carries across framework versions)."""
    _require(user)
    if not units:
        raise SurveyError(_("Choose at least one unit."))
    for unit in units:
        membership, _created = Membership.objects.get_or_create(
            user=reviewer, unit=unit, role=Membership.Role.REVIEWER
        )
        membership.indicators.set(indicators)
    audit_record(
        actor=user,
        action=AuditEvent.Action.ACCOUNT,
        obj=reviewer,
        after={
            "reviewer_units": sorted(u.code for u in units),
            "indicators": sorted(n.code for n in indicators),
        },
    )
    return len(units)


@transaction.atomic
def reviewer_unassign(*, membership: Membership, user) -> None:
    _require(user)
    if membership.role != Membership.Role.REVIEWER:
        raise SurveyError(_("This is not a reviewer's assignment."))
    audit_record(
        actor=user,
        action=AuditEvent.Action.ACCOUNT,
        obj=membership.user,
        before={"reviewer_unit": membership.unit.code},
        after={"reviewer_unit": None},
    )
    membership.delete()
