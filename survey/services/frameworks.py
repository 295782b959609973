from django.db import transaction

from survey.models import FrameworkVersion, Node
from survey.services.audit import audit_record

COPIED_FIELDS = [
    f.name
    for f in Node._meta.concrete_fields
    if f.name not in {"id", "version", "parent", "continues"}
]


@transaction.atomic
def framework_version_copy(*, version: FrameworkVersion, user=None) -> FrameworkVersion:
    """A new draft version of the same year with the same tree, for editing.

    Each copied node keeps the ``continues`` link of its original, so answers and
    evidence still follow it across years.
    """
    last = version.framework.versions.filter(year=version.year).order_by("-number")[0]
    copy = FrameworkVersion.objects.create(
        framework=version.framework,
        year=version.year,
        number=last.number + 1,
        unit_type=version.unit_type,
        legal_basis=version.legal_basis,
        precision=version.precision,
        levels=version.levels,
        level_edges=version.level_edges,
        previous=version.previous,
    )
    originals = list(version.nodes.order_by("id"))
    new_ids: dict[int, int] = {}
    pending = originals
    while pending:
        ready = [n for n in pending if n.parent_id is None or n.parent_id in new_ids]
        created = Node.objects.bulk_create(
            [_copy(node, copy, new_ids) for node in ready]
        )
        new_ids.update(
            (old.pk, new.pk) for old, new in zip(ready, created, strict=True)
        )
        pending = [n for n in pending if n.pk not in new_ids]
    audit_record(actor=user, action="framework", obj=copy, before={"from": version.pk})
    return copy


def _copy(node: Node, version: FrameworkVersion, new_ids: dict[int, int]) -> Node:
    values = {name: getattr(node, name) for name in COPIED_FIELDS}
    return Node(
        version=version,
        parent_id=new_ids.get(node.parent_id),
        continues_id=node.continues_id,
        **values,
    )
