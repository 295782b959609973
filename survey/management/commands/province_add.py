from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from survey.errors import SurveyError
from survey.services.provinces import coordinator_add, province_create


class Command(BaseCommand):
    help = (
        "Add a province to the installation, and with --coordinator its first "
        "coordinator (a new account gets a link to choose its password, printed "
        "here and mailed to --email)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Short code, e.g. lao-cai")
        parser.add_argument("name_vi", help='Vietnamese name, e.g. "Lào Cai"')
        parser.add_argument("--name-en", default="", dest="name_en")
        parser.add_argument("--coordinator", help="User name of its coordinator")
        parser.add_argument("--email", default="", help="The coordinator's e-mail")

    def handle(self, *args, code, name_vi, name_en, coordinator, email, **options):
        if email and not coordinator:
            raise CommandError("--email goes with --coordinator.")
        try:
            with transaction.atomic():  # the province with its coordinator, or none
                province = province_create(code=code, name_vi=name_vi, name_en=name_en)
                lines = [f"Province {province.code} ({province.name_vi}) added."]
                if coordinator:
                    made = coordinator_add(
                        province=province, username=coordinator, email=email
                    )
                    lines.append(_account_lines(made, "coordinator"))
        except SurveyError as error:
            raise CommandError(str(error.message)) from error
        return "\n".join(lines)


def _account_lines(made, role: str) -> str:
    user = made.user
    if not made.created:
        return f"{user.username} (existing account) is now {role}."
    lines = [
        f"Account {user.username} created as {role}.",
        f"Link to choose its password (shown once): {made.link}",
    ]
    if user.email:
        lines.append(f"The link was also mailed to {user.email}.")
    return "\n".join(lines)
