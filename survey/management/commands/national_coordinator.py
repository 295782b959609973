from django.core.management.base import BaseCommand, CommandError

from survey.errors import SurveyError
from survey.management.commands.province_add import _account_lines
from survey.services.provinces import national_coordinator_set


class Command(BaseCommand):
    help = (
        "Make an account (created when new) the national coordinator: national "
        "frameworks and the published results of every province. A new account "
        "gets a link to choose its password, printed here and mailed to --email."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        try:
            made = national_coordinator_set(username=username, email=email)
        except SurveyError as error:
            raise CommandError(str(error.message)) from error
        return _account_lines(made, "national coordinator")
