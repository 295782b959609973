"""Reads of the frameworks' pages: the versions a person sees and a version's tree."""

from django.db.models import F, QuerySet

from survey.models import FrameworkVersion, Node
from survey.selectors.provinces import several_provinces


def framework_versions() -> QuerySet[FrameworkVersion]:
    """The versions the request's province sees (its own and the national ones;
    the national coordinator, the national ones), national first."""
    return FrameworkVersion.objects.select_related(
        "framework", "framework__province"
    ).order_by(
        F("framework__province__name_vi").asc(nulls_first=True),
        "framework__code",
        "-year",
        "-number",
    )


def framework_owners_shown() -> bool:
    """Whether the list names each framework's owner: with several provinces,
    or when national frameworks are there (a single province with only its
    own frameworks sees the list as before there were provinces)."""
    return (
        several_provinces()
        or FrameworkVersion.objects.filter(framework__province__isnull=True).exists()
    )


def framework_version_nodes(*, version: FrameworkVersion) -> list[Node]:
    """The nodes of ``version`` in the order of the tree (parents first, then by
    their order), each with ``depth`` (0 for a pillar)."""
    nodes = list(version.nodes.order_by("order", "id"))
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[Node] = []
    stack = [(node, 0) for node in reversed(children.get(None, []))]
    while stack:
        node, depth = stack.pop()
        node.depth = depth
        ordered.append(node)
        stack.extend(
            (child, depth + 1) for child in reversed(children.get(node.pk, []))
        )
    return ordered
