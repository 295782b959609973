"""Accounts (coordinator): bulk creation from a spreadsheet, deactivation, reviewer
assignment. New accounts get a mail with a link to choose their password."""

import secrets
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from survey.errors import PermissionRefused, SurveyError
from survey.files.issues import ImportFailed
from survey.files.tabular import Limits, Sheet, read_csv, read_xlsx
from survey.models import AuditEvent, Membership, Node, Unit, User
from survey.permissions import can
from survey.selectors.provinces import province_of
from survey.services.audit import audit_record
from survey.services.mail import PasswordResetMailForm
from survey.text import UNSTORABLE, storable

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

# Words of the national coordinator's role, which a province cannot grant.
NATIONAL_WORDS = frozenset({"national", "điều phối quốc gia", "quốc gia"})


# The accounts file is a short list of people: a few thousand rows at most.
ACCOUNT_FILE_LIMITS = Limits(
    max_bytes=2 * 1024 * 1024,
    max_unzipped_bytes=20 * 1024 * 1024,
    max_sheets=5,
    max_rows=5_000,
    max_columns=20,
    max_cell_chars=1_000,
)
# Column widths of the User model (AbstractUser and survey.User).
MAX_LENGTH = {"username": 150, "full_name": 150, "email": 254}


class AccountProblem(NamedTuple):
    row: int
    column: str
    message: str


class AccountsInvalid(SurveyError):
    """Rows refused; ``errors`` lists :class:`AccountProblem` (row, column,
    message); nothing was written."""

    def __init__(self, errors: list[AccountProblem]) -> None:
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


def _in_province(user, *, units=(), accounts=()) -> None:
    """Refuse units and accounts outside the province of ``user`` (a
    coordinator); the installation's administrator, outside any province,
    passes."""
    province = province_of(user)
    if province is None:
        return
    if any(unit.province_id != province.pk for unit in units):
        raise PermissionRefused(_("This unit belongs to another province."))
    ids = [account.pk for account in accounts]
    elsewhere = Membership.unscoped.filter(user_id__in=ids).exclude(
        province_id=province.pk
    )
    if elsewhere.exists():
        raise PermissionRefused(_("This account belongs to another province."))


def read_accounts_file(content: bytes, *, filename: str) -> list[AccountRow]:
    """Check every row of an .xlsx or .csv file (columns ``username``,
    ``full_name``, ``email``, ``unit_code``, ``role``); raises
    :class:`AccountsInvalid` listing every problem with its row and column.

    The file is measured against :data:`ACCOUNT_FILE_LIMITS` as it is read."""
    sheet = _read_sheet(content, filename)
    if sheet is None or not set(COLUMNS) <= set(sheet.header):
        message = _("The file needs the columns: %(columns)s.") % {
            "columns": ", ".join(COLUMNS)
        }
        raise AccountsInvalid([AccountProblem(1, "", message)])
    units = {u.code: u for u in Unit.objects.all()}
    # User names differing only in case would be two accounts that people (and
    # mails) cannot tell apart: they count as the same name.
    taken = {
        name.casefold() for name in User.objects.values_list("username", flat=True)
    }
    errors, rows = [], []
    for number, raw in sheet.rows:
        row, problems = _account_row(number, raw, units, taken)
        errors += problems
        if row:
            rows.append(row)
            taken.add(row.username.casefold())
    if errors:
        raise AccountsInvalid(errors)
    return rows


def _read_sheet(content: bytes, filename: str) -> Sheet | None:
    limits = ACCOUNT_FILE_LIMITS
    try:
        if filename.lower().endswith(".csv"):
            return read_csv(content, name=filename, limits=limits)
        return next(iter(read_xlsx(content, limits=limits).values()), None)
    except ImportFailed as failed:
        raise AccountsInvalid(
            [AccountProblem(i.row, i.column, i.message()) for i in failed.issues]
        ) from None


def _account_row(
    number: int, raw: dict[str, str], units: dict[str, Unit], taken: set[str]
) -> tuple[AccountRow | None, list[AccountProblem]]:
    # Cells the database cannot store were refused while the file was read.
    username, email, code = (
        raw.get(column, "").strip() for column in ("username", "email", "unit_code")
    )
    full_name = raw.get("full_name", "").strip()
    role = ROLE_WORDS.get(raw.get("role", "").strip().lower())
    unit = units.get(code) if code else None
    checks = [
        ("username", _username_problem(username, taken)),
        ("full_name", _length_problem("full_name", full_name)),
        ("email", _email_problem(email)),
        ("role", _role_problem(role, raw.get("role", ""))),
        ("unit_code", _unit_problem(role, code, unit)),
    ]
    problems = [AccountProblem(number, col, msg) for col, msg in checks if msg]
    if problems:
        return None, problems
    return AccountRow(number, username, full_name, email, unit, role), []


def _length_problem(column: str, text: str) -> str:
    if len(text) > MAX_LENGTH[column]:
        return _("At most %(max)s characters (this has %(length)s).") % {
            "max": MAX_LENGTH[column],
            "length": len(text),
        }
    return ""


def _username_problem(username: str, taken: set[str]) -> str:
    if not username or " " in username:
        return _("The user name is missing or has spaces.")
    if too_long := _length_problem("username", username):
        return too_long
    try:
        User.username_validator(username)
    except ValidationError:
        return _("A user name has only letters, digits and the characters @ . + - _.")
    if username.casefold() in taken:
        return _(
            "The user name %(name)s already exists (capitals and small letters "
            "count as the same)."
        ) % {"name": username}
    return ""


def _email_problem(email: str) -> str:
    try:
        validate_email(email)
    except ValidationError:
        return _("The e-mail address is not valid.")
    return _length_problem("email", email)


def _role_problem(role: str | None, typed: str) -> str:
    if typed.strip().lower() in NATIONAL_WORDS:
        return _(
            "The national coordinator's role is given by the installation's "
            "administrator, not in a province."
        )
    return "" if role else _("Unknown role: %(role)s.") % {"role": typed}


def _unit_problem(role: str | None, code: str, unit: Unit | None) -> str:
    if role in Membership.PROVINCE_ROLES and code:
        return _("A coordinator or committee account has no unit.")
    if role and role not in Membership.PROVINCE_ROLES and unit is None:
        return _("Unknown unit code: %(code)s.") % {"code": code}
    return ""


@transaction.atomic
def accounts_create(*, rows: list[AccountRow], user, request=None) -> list[User]:
    """Create the accounts of ``rows`` (without a password) and mail each a link to
    choose one."""
    _require(user)
    _in_province(user, units=[row.unit for row in rows if row.unit])
    province = province_of(user)
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
        Membership.objects.create(
            user=account,
            unit=row.unit,
            role=row.role,
            **({"province": province} if province else {}),
        )
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
    transaction.on_commit(lambda: password_links_send(emails, request))
    return created


def password_links_send(emails: list[str], request) -> None:
    """Django's password reset mail, which also serves to choose a first password."""
    for email in emails:
        form = PasswordResetMailForm({"email": email})
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
    _in_province(user, accounts=[account])
    if not storable(reason):
        raise SurveyError(UNSTORABLE)
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
    _in_province(user, units=units, accounts=[reviewer])
    # In bulk: "every unit the filter finds" may be thousands of units.
    mine = Membership.objects.filter(
        user=reviewer, role=Membership.Role.REVIEWER, unit__in=units
    )
    existing = set(mine.values_list("unit_id", flat=True))
    Membership.objects.bulk_create(
        Membership(
            user=reviewer,
            unit=unit,
            province_id=unit.province_id,
            role=Membership.Role.REVIEWER,
        )
        for unit in units
        if unit.pk not in existing
    )
    ids = list(mine.values_list("pk", flat=True))
    through = Membership.indicators.through
    through.objects.filter(membership_id__in=ids).delete()
    through.objects.bulk_create(
        through(membership_id=pk, node_id=node.pk) for pk in ids for node in indicators
    )
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
    _in_province(user, units=[membership.unit] if membership.unit else [])
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
