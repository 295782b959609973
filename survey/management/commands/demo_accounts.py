from django.core.management.base import BaseCommand

from survey.demo.seed import DEMO_PASSWORD
from survey.models import User


class Command(BaseCommand):
    help = "Print the demo accounts to log in with."

    def handle(self, *args, **options):
        wanted = ["dieuphoi", "bcd", "thamdinh", "congan", "sokhcn-cv", "sokhcn-ld"]
        examples = list(
            User.objects.filter(username__in=wanted)
            | User.objects.filter(
                username__in=["skhcn-cv", "skhcn-ld", "x-tanphu-cv", "x-tanphu-ld"]
            )
        )
        if not examples:
            return "No demo accounts (run manage.py seed_demo)."
        lines = [f"Demo accounts (password for all: {DEMO_PASSWORD}):"]
        for user in sorted(examples, key=lambda u: u.username):
            roles = ", ".join(
                sorted({m.get_role_display() for m in user.memberships.all()})
            )
            lines.append(f"  {user.username:<14} {user.full_name} — {roles}")
        lines.append("  Every unit has <code>-cv (editor) and <code>-ld (approver).")
        return "\n".join(lines)
