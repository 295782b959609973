"""Reads for the feeds' pages: the sources, the batches received and the preview
of a file before it is imported."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from survey.answer_types import answer_display
from survey.models import Answer, Campaign, FeedBatch, FeedSource
from survey.numbers import NumberFormat
from survey.selectors.campaigns import unit_names_in_campaign

RECENT_BATCHES = 50


def feed_sources() -> QuerySet[FeedSource]:
    """Every feed source with the number of batches received from it."""
    return FeedSource.objects.annotate(batch_count=Count("batches")).order_by("name")


def file_feed_sources() -> QuerySet[FeedSource]:
    """The sources whose exports can be imported (their columns are mapped)."""
    return feed_sources().exclude(unit_column="").exclude(columns={})


def feed_batches_recent(*, campaign: Campaign | None = None) -> list[FeedBatch]:
    """The last :data:`RECENT_BATCHES` batches (of ``campaign``, if given) of
    the campaigns the request's province sees."""
    batches = FeedBatch.objects.select_related(
        "user", "token", "feed_source", "campaign"
    ).filter(campaign_id__in=Campaign.objects.values("pk"))
    if campaign is not None:
        batches = batches.filter(campaign=campaign)
    return list(batches.order_by("-created_at", "-id")[:RECENT_BATCHES])


@dataclass(frozen=True)
class PreviewCell:
    """One indicator cell of a file's row: the text read, the value it becomes,
    the value stored now, and why it is refused or skipped."""

    text: str
    value: str = ""
    current: str = ""
    error: str = ""
    skipped: str = ""


@dataclass(frozen=True)
class PreviewRow:
    number: int
    unit: str
    cells: list[PreviewCell]

    @property
    def has_errors(self) -> bool:
        return any(cell.error for cell in self.cells)


def feed_preview_rows(
    *, campaign: Campaign, preview, number_format: NumberFormat
) -> list[PreviewRow]:
    """The preview of a file (survey.services.feed_files.FeedPreview) as rows of
    unit × indicator cells."""
    check = preview.check
    parsed = {key: (a, node, values) for key, a, node, values in check.parsed}
    current = _current_answers(parsed.values())
    texts = {row.key: _text(row.raw) for row in preview.file.rows}
    names = unit_names_in_campaign(
        campaign=campaign, codes={unit for _n, unit in preview.file.units}
    )
    rows = []
    for number, unit in preview.file.units:
        cells = []
        for header, _code in preview.file.columns:
            key = (number, header)
            cell = PreviewCell(
                text=texts.get(key, ""),
                error=str(check.errors.get(key, "")),
                skipped=str(check.skipped.get(key, "")),
            )
            if key in parsed:
                assessment, node, values = parsed[key]
                answer = current.get((assessment.pk, node.pk))
                cell = PreviewCell(
                    text=cell.text,
                    value=answer_display(node, values, number_format),
                    current=_shown(node, answer, number_format),
                )
            cells.append(cell)
        rows.append(PreviewRow(number, names.get(unit, unit), cells))
    return rows


def _text(raw: dict) -> str:
    """The cells read for a value, as in the file: ``3`` or ``3 / 4``."""
    value, denominator = str(raw.get("value") or ""), str(raw.get("denominator") or "")
    return f"{value} / {denominator}" if denominator else value


def _current_answers(parsed) -> dict[tuple[int, int], Answer]:
    pairs = {(a.pk, node.pk) for a, node, _v in parsed}
    if not pairs:
        return {}
    answers = Answer.objects.filter(
        assessment_id__in={a for a, _n in pairs}, node_id__in={n for _a, n in pairs}
    )
    return {(a.assessment_id, a.node_id): a for a in answers}


def _shown(node, answer: Answer | None, number_format: NumberFormat) -> str:
    if answer is None:
        return "—"
    values = {
        "yes": answer.yes,
        "number": answer.number,
        "denominator": answer.denominator,
        "is_na": answer.is_na,
    }
    return answer_display(node, values, number_format)
