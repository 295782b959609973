"""The hash chain that makes the audit trail tamper-evident (``docs/audit.md``).

Each event stores ``prev_hash``, the hash of the event before it (``GENESIS``
for the first), and ``hash``::

    hash = SHA-256( prev_hash  "\\n"  canonical content )

where the canonical content is a JSON array, with sorted keys and no spaces, of
the event's sequence number, time (UTC, microseconds), actor id, action, object
type and id, assessment id, ``before``, ``after`` (a whole number without a
decimal point), reason and address (as its bytes in hex after "ip:", so that
every spelling of one address hashes alike; other text after "text:"). Changing
any of these, removing an event or putting one in between changes a hash that the
next event, or the chain's head, still names.

The format never changes: existing chains are checked with it. It reads the
fields by name, so the migration that chained the existing events uses it too.
"""

import hashlib
import ipaddress
import json
from datetime import UTC
from typing import Any

GENESIS = "0" * 64


def link_hash(prev_hash: str, event: Any) -> str:
    """The hash that ``event`` must carry when it follows ``prev_hash``."""
    text = prev_hash + "\n" + event_content(event)
    return hashlib.sha256(text.encode()).hexdigest()


def event_content(event: Any) -> str:
    """The canonical text of what an event says (see the module docstring)."""
    return _dumps(
        [
            event.seq,
            event.at.astimezone(UTC).isoformat(timespec="microseconds"),
            event.actor_id,
            event.action,
            event.object_type,
            event.object_id,
            event.assessment_id,
            json_value(event.before),
            json_value(event.after),
            event.reason,
            _address(event.ip),
        ]
    )


def json_value(value: Any) -> Any:
    """``value`` as the database gives it back (tuples as lists, keys as text),
    a whole number written as one (PostgreSQL's jsonb gives ``1e20`` back as
    ``100000000000000000000``)."""
    return None if value is None else _whole(json.loads(json.dumps(value)))


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole(v) for v in value]
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _address(ip: str | None) -> str | None:
    if not ip:
        return None
    # Tagged, so that text that is no address can never hash as one does.
    try:
        return "ip:" + ipaddress.ip_address(ip).packed.hex()
    except ValueError:
        return "text:" + ip
