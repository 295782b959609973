import csv
import io
import json
import math
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from reports.builders.composite_book import composite_book_bytes
from survey.numbers import format_number
from survey.results.composite import CompositeInputError, composite_run

ROW_KEYS = (
    *("unit", "group", "code", "level"),
    *("score", "rounded", "rank", "band", "weight"),
)
OUTPUTS = (".xlsx", ".csv", ".json")
BOOK_LABELS = {
    "scores": gettext_lazy("Level %(level)s"),
    "ranks": gettext_lazy("Ranks"),
    "bands": gettext_lazy("Bands"),
    "weights": gettext_lazy("Weights"),
    "diagnostics": gettext_lazy("Diagnostics"),
    "settings": gettext_lazy("Settings"),
    "unit": gettext_lazy("Unit"),
    "group": gettext_lazy("Ranking group"),
    "code": gettext_lazy("Code"),
    "level": pgettext_lazy("level of a node in the tree", "Level"),
    "parent": gettext_lazy("Parent"),
    "weight": gettext_lazy("Weight"),
    "relative_weight": gettext_lazy("Weight within the group"),
    "effective_weight": gettext_lazy("Effective weight"),
    "indicator": gettext_lazy("Indicator"),
    "units": gettext_lazy("Units"),
    "message": gettext_lazy("Message"),
    "setting": gettext_lazy("Setting"),
    "value": gettext_lazy("Value"),
    "none": gettext_lazy("No diagnostic"),
}


class Command(BaseCommand):
    help = (
        "Compute a composite index (normalisation, weights, aggregation) from a "
        "JSON spec and a CSV or XLSX data file; see docs/composite.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("spec", help="The spec of the index (.json).")
        parser.add_argument("data", help="The data: one row per unit (.csv, .xlsx).")
        parser.add_argument(
            "-o",
            "--out",
            required=True,
            help="File to write; its extension chooses the format: .xlsx, .csv "
            "(one row per unit and code) or .json (rows, diagnostics, settings).",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuse to write results the engine has a diagnostic about.",
        )
        parser.add_argument(
            "--precision",
            help="Decimals scores are rounded to before ranking and banding "
            "(overrides the spec; 'none' ranks the full values).",
        )
        parser.add_argument(
            "--rank-method",
            choices=["competition", "dense"],
            help="competition (1, 2, 2, 4) or dense (1, 2, 2, 3); overrides the spec.",
        )
        parser.add_argument(
            "--decimal",
            choices=["auto", ".", ","],
            help="Decimal mark of the data file (overrides data.decimal of the spec).",
        )
        parser.add_argument(
            "--lang",
            choices=["vi", "en"],
            default=None,
            help="Language of the messages and of the workbook (default: Vietnamese).",
        )

    def handle(self, *args, **options) -> None:
        with translation.override(options["lang"] or settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options) -> None:
        out = Path(options["out"])
        if out.suffix.lower() not in OUTPUTS:
            raise CommandError(_("The output must be a .xlsx, .csv or .json file."))
        if not out.parent.is_dir():
            raise CommandError(
                _("%(folder)s: no such folder (create it first).")
                % {"folder": out.parent}
            )
        extra = {}
        if options["precision"] is not None:
            extra["precision"] = _precision(options["precision"])
        try:
            run = composite_run(
                spec_path=Path(options["spec"]),
                data_path=Path(options["data"]),
                rank_method=options["rank_method"],
                decimal=options["decimal"],
                strict=options["strict"],
                **extra,
            )
        except CompositeInputError as error:
            raise CommandError(str(error.message)) from error
        content = _content(run.document(), out.suffix.lower())
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"{out}: {error.strerror}") from error
        self._summary(run, out)

    def _summary(self, run, out: Path) -> None:
        s = run.settings
        counts = {
            "units": ngettext("%(count)s unit", "%(count)s units", s["units"]),
            "indicators": ngettext(
                "%(count)s indicator", "%(count)s indicators", s["indicators"]
            ),
            "groups": ngettext("%(count)s group", "%(count)s groups", s["groups"]),
        }
        said = {key: text % {"count": s[key]} for key, text in counts.items()}
        self.stdout.write(
            _("%(units)s, %(indicators)s, %(groups)s; written to %(out)s.")
            % {**said, "out": out}
        )
        for line in _leaders(run.document()):
            self.stdout.write(line)
        for d in run.diagnostics:
            self.stdout.write(f"[{d['code']}] {d['message']}")
        if not run.diagnostics:
            self.stdout.write(_("No diagnostic."))


NONE = "none"


def _precision(text: str) -> int | None:
    """``--precision``: a whole number of decimals, or ``none``."""
    if text.strip().lower() == NONE:
        return None
    try:
        return int(text)
    except ValueError as error:
        raise CommandError(
            _(
                "--precision must be a whole number of decimals (0 to 12) or "
                "“none”, not “%(value)s”."
            )
            % {"value": text}
        ) from error


def _finite(value):
    """``value`` with every number that is not finite replaced by None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _leaders(document: dict, count: int = 3) -> list[str]:
    """The first ``count`` units of every top-level score, per ranking group."""
    roots = [n["code"] for n in document["nodes"] if n["parent"] is None]
    lines = []
    for code in roots:
        ranked = [
            r
            for r in document["rows"]
            if r["code"] == code and r["rank"] and _shown(r["rounded"])
        ]
        for group in sorted({r["group"] for r in ranked}):
            first = sorted(
                (r for r in ranked if r["group"] == group), key=lambda r: r["rank"]
            )[:count]
            label = f"{code} [{group}]" if group else code
            units = "; ".join(
                f"{r['rank']}. {r['unit']} {format_number(r['rounded'])}" for r in first
            )
            lines.append(f"{label}: {units}")
    return lines


def _shown(number) -> bool:
    return isinstance(number, int | float) and math.isfinite(number)


def _content(document: dict, suffix: str) -> bytes:
    if suffix == ".xlsx":
        labels = {key: str(label) for key, label in BOOK_LABELS.items()}
        return composite_book_bytes(document, labels=labels)
    if suffix == ".json":
        text = json.dumps(
            _finite(document), ensure_ascii=False, indent=1, allow_nan=False
        )
        return (text + "\n").encode()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ROW_KEYS)
    for row in document["rows"]:
        writer.writerow(["" if row[k] is None else row[k] for k in ROW_KEYS])
    return buffer.getvalue().encode("utf-8")
