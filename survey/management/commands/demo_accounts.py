from django.core.management.base import BaseCommand

from survey.demo.province import FIRST_STAFF, NATIONAL_ACCOUNT, SECOND_STAFF
from survey.demo.seed import DEMO_PASSWORD
from survey.models import Membership, Province, User

# A department and a commune of each province whose editor (-cv) and approver
# (-ld) accounts are shown as examples.
EXAMPLE_UNITS = ["SKHCN", "X-TANPHU", "SH-SKHCN", "SH-X-SONTHUY"]


class Command(BaseCommand):
    help = "Print the demo accounts to log in with, by province, then the national one."

    def handle(self, *args, **options):
        staff = [
            name for names in (FIRST_STAFF, SECOND_STAFF) for name, _ in names.values()
        ]
        examples = [
            f"{code.lower()}-{suffix}"
            for code in EXAMPLE_UNITS
            for suffix in ("cv", "ld")
        ]
        wanted = [*staff, *examples, NATIONAL_ACCOUNT[0]]
        users = sorted(
            User.objects.filter(username__in=wanted),
            key=lambda user: wanted.index(user.username),
        )
        if not users:
            return "No demo accounts (run manage.py seed_demo)."
        # Across provinces on purpose, whatever scope the command runs in.
        memberships: dict[int, list[Membership]] = {}
        for membership in Membership.unscoped.filter(user__in=users):
            memberships.setdefault(membership.user_id, []).append(membership)
        names = dict(Province.objects.values_list("pk", "name_vi"))
        groups: dict[int | None, list[tuple[User, list[Membership]]]] = {}
        for user in users:
            own = memberships.get(user.pk, [])
            province = min({m.province_id for m in own}, key=_order, default=None)
            groups.setdefault(province, []).append((user, own))
        lines = [f"Demo accounts (password for all: {DEMO_PASSWORD}):"]
        for province in sorted(groups, key=_order):
            lines.append(names[province] if province else "National")
            for user, own in groups[province]:
                lines.append(f"  {user.username:<20} {user.full_name} — {_roles(own)}")
        lines.append("  Every unit has <code>-cv (editor) and <code>-ld (approver).")
        return "\n".join(lines)


def _order(province_id: int | None) -> float:
    """Provinces in the order they were made, the national accounts last."""
    return float("inf") if province_id is None else province_id


def _roles(memberships: list[Membership]) -> str:
    roles = {m.get_role_display() for m in memberships}
    return ", ".join(sorted(str(role) for role in roles))
