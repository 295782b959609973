from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.services.exports import report_workbook_bytes
from survey.models import Campaign


class Command(BaseCommand):
    help = "Write the steering committee workbook (.xlsx) of a campaign."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--campaign", required=True, help="Campaign id or year assessed."
        )
        parser.add_argument(
            "--province", help="Province code: the year's campaign of that province."
        )
        parser.add_argument("--lang", choices=["vi", "en"], default="vi")
        parser.add_argument(
            "--committee",
            action="store_true",
            help="Leave out every comment and explanation (steering committee).",
        )
        parser.add_argument("-o", "--output", required=True, help="File to write.")

    def handle(self, *args, **options) -> str:
        campaign = _campaign(options["campaign"], province=options.get("province"))
        folder = Path(options["output"]).parent
        if not folder.is_dir():  # said before the workbook is built, not after
            raise CommandError(f"{folder}: no such folder (create it first)")
        content = report_workbook_bytes(
            campaign=campaign, lang=options["lang"], committee=options["committee"]
        )
        path = Path(options["output"])
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from error
        return f"{path}: {len(content):,} bytes, {campaign}"


def _campaign(key: str, *, province: str | None = None) -> Campaign:
    if not key.isdigit():
        raise CommandError(f"Not a campaign id or year: {key}")
    number = int(key)
    campaigns = Campaign.objects.all()
    if province:
        campaigns = campaigns.filter(province__code=province)
    by_year = list(campaigns.filter(year=number).order_by("-id")[:2])
    if len(by_year) > 1:
        raise CommandError(
            f"Several campaigns assess {number}: give the id (or --province)."
        )
    if by_year:
        return by_year[0]
    campaign = campaigns.filter(pk=number).first()
    if campaign is None:
        raise CommandError(f"No campaign with id or year {number}.")
    return campaign
