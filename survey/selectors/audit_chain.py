"""Checking the audit trail's hash chain (``survey.audit_chain``, ``docs/audit.md``)."""

from dataclasses import dataclass

from survey.audit_chain import GENESIS, link_hash
from survey.models import AuditChainHead, AuditEvent

BATCH = 2000


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the chain does not hold."""

    kind: str  # "content", "link", "gap", "tail", "head", "anchor"
    seq: int | None
    event_id: int | None
    detail: str


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_seq: int
    head_hash: str
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def audit_chain_check(*, anchors: dict[int, str] | None = None) -> ChainReport:
    """Walk the trail in sequence order and report the first broken link.

    Each event must say what its hash says (``content``), name the hash of the
    event before it (``link``), and follow it without a missing number (``gap``);
    the chain's head must name the last event (``tail``: events removed from the
    end). ``anchors`` (sequence number → hash, written down elsewhere earlier)
    must match too, which shows a chain rewritten from some event on.
    """
    anchors = dict(anchors or {})
    count, seq, prev = 0, 0, GENESIS
    broken = None
    events = AuditEvent.objects.order_by("seq").iterator(chunk_size=BATCH)
    for event in events:
        broken = _event_break(event, seq, prev, anchors)
        if broken:
            break
        count, seq, prev = count + 1, event.seq, event.hash
    else:
        broken = _head_break(seq, prev) or _missing_anchor(anchors, seq)
    return ChainReport(count=count, head_seq=seq, head_hash=prev, broken=broken)


def _event_break(event, seq: int, prev: str, anchors: dict) -> ChainBreak | None:
    def at(kind: str, detail: str) -> ChainBreak:
        return ChainBreak(kind=kind, seq=event.seq, event_id=event.pk, detail=detail)

    if event.seq != seq + 1:
        missing = (
            f"{seq + 1}" if event.seq == seq + 2 else f"{seq + 1}..{event.seq - 1}"
        )
        return at("gap", f"events missing before it (sequence {missing})")
    if event.prev_hash != prev:
        return at(
            "link",
            f"it names {event.prev_hash or '(nothing)'} as the hash before it, "
            f"but the event before it has {prev}",
        )
    computed = link_hash(event.prev_hash, event)
    if computed != event.hash:
        return at(
            "content",
            f"its content was changed (stored hash {event.hash or '(nothing)'}, "
            f"content hashes to {computed})",
        )
    expected = anchors.pop(event.seq, None)
    if expected is not None and expected != event.hash:
        return at(
            "anchor",
            f"its hash {event.hash} differs from the {expected} recorded earlier "
            "(the chain was rewritten up to here)",
        )
    return None


def _head_break(seq: int, prev: str) -> ChainBreak | None:
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        if seq == 0:
            return None
        return ChainBreak("head", None, None, "the chain's head is missing")
    if (head.seq, head.hash) != (seq, prev):
        missing = head.seq - seq
        detail = (
            f"the head names event {head.seq}, the trail ends at {seq}: "
            + (f"{missing} event(s) missing at the end" if missing > 0 else "")
            + ("the head does not match the last event" if missing <= 0 else "")
        )
        return ChainBreak("tail", head.seq, None, detail)
    return None


def _missing_anchor(anchors: dict, seq: int) -> ChainBreak | None:
    if not anchors:
        return None
    wanted = min(anchors)
    return ChainBreak(
        "anchor", wanted, None, f"event {wanted}, recorded earlier, is missing"
    )
