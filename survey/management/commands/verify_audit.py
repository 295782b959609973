from django.core.management.base import BaseCommand, CommandError

from survey.selectors.audit_chain import audit_chain_check


def _anchor(text: str) -> tuple[int, str]:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"An anchor is SEQUENCE:HASH (64 hex digits), not {text!r}")
    return int(seq), digest.lower()


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain: every event's content against its "
        "hash, every link to the event before it, no missing sequence number, and "
        "the chain's head against the last event. Prints the first broken link and "
        "exits with 1, or prints OK with the number of events and the head."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="A head printed by an earlier run (kept outside the database); "
            "the event with that number must still have that hash. Repeatable.",
        )

    def handle(self, *args, anchor: list[str], **options):
        report = audit_chain_check(anchors=dict(_anchor(a) for a in anchor))
        if report.broken:
            broken = report.broken
            where = f"event {broken.seq}" if broken.seq is not None else "the chain"
            if broken.event_id is not None:
                where += f" (id {broken.event_id})"
            raise CommandError(
                f"BROKEN at {where}: {broken.kind}: {broken.detail}. "
                f"{report.count} event(s) before it are intact."
            )
        self.stdout.write(
            f"OK: {report.count} events, head {report.head_seq}:{report.head_hash}"
        )
