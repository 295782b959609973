from django.core.management.base import BaseCommand, CommandError

from survey.models import Campaign
from survey.results.compute import ResultsFrozen, campaign_results_compute


class Command(BaseCommand):
    help = (
        "Score a campaign (by id or year) in one engine pass per framework version and "
        "store the results. A published campaign's frozen results are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="Campaign id or year")
        parser.add_argument(
            "--province", help="Province code: the year's campaign of that province."
        )

    def handle(self, *args, campaign: str, province: str | None = None, **options):
        campaigns = Campaign.objects.all()
        if province:
            campaigns = campaigns.filter(province__code=province)
        found = campaigns.filter(pk=campaign).first() if campaign.isdigit() else None
        if found is None and campaign.isdigit():
            by_year = campaigns.filter(year=int(campaign))
            if by_year.values("province").distinct().count() > 1:
                raise CommandError(
                    f"Several provinces have campaigns of {campaign}: give the id "
                    "or --province."
                )
            found = by_year.order_by("-pk").first()
        if found is None:
            raise CommandError(f"No campaign {campaign}")
        try:
            rows = campaign_results_compute(campaign=found)
        except ResultsFrozen as exc:
            raise CommandError(f"{found}: results are frozen (published)") from exc
        units = found.assessments.count()
        return f"{found}: {units} assessments scored, {rows} results stored"
