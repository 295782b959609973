from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from survey.demo.seed import demo_province_seed
from survey.models import Unit


class Command(BaseCommand):
    help = (
        "Load the demo: a province (units, accounts, campaigns 2023–2025, answers), "
        "a small second province (campaigns 2024–2025) and a national coordinator."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument(
            "--communes",
            type=int,
            default=0,
            help="Number of communes (numbered ones are added to the demo's own); "
            "3300 gives a province of national size.",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when units exist."
        )
        parser.add_argument(
            "--one-province",
            action="store_true",
            help="Only the first province, on frameworks of its own: an "
            "installation that serves one province.",
        )

    def handle(
        self,
        *args,
        seed: int,
        communes: int,
        if_empty: bool,
        one_province: bool = False,
        **options,
    ):
        if Unit.objects.exists():
            if if_empty:
                return "Demo data already loaded."
            raise CommandError("The database already has units; use a fresh database.")
        out = demo_province_seed(
            seed=seed, communes=communes, one_province=one_province
        )
        with connection.cursor() as cursor:
            # Planner statistics for the rows just loaded (PostgreSQL and SQLite):
            # without them the first queries of a large province scan whole tables.
            cursor.execute("ANALYZE")
        return (
            f"Demo ({'one province' if one_province else '2 provinces'}): "
            f"{out.units} units, {out.users} accounts, "
            f"{out.assessments} assessments, {out.answers} answers"
        )
