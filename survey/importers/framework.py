"""Import of a framework version from the documented layout (docs/framework-format.md).

Everything is validated before anything is written; an invalid file writes nothing and
every problem is reported with its sheet, row and column. The cells are read by
survey.importers.framework_rows and the tree is checked by
survey.importers.framework_tree.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import IntegrityError, transaction

from survey import province_scope
from survey.files.issues import ImportFailed, ImportIssue, IssueCollector
from survey.files.tabular import (
    Sheet,
    check_size,
    read_csv,
    read_path,
    read_xlsx,
)
from survey.importers.framework_rows import (
    parse_levels,
    parse_meta,
    parse_nodes,
)
from survey.importers.framework_tree import check_tree
from survey.models import Framework, FrameworkVersion, Node
from survey.models.frameworks import default_levels
from survey.models.provinces import default_province
from survey.selectors.provinces import several_provinces
from survey.services.audit import audit_record
from survey.services.frameworks import framework_code_conflict, framework_owner

SHEETS = {"indicators": "", "framework": "framework", "levels": "levels"}


@dataclass
class ParsedFramework:
    meta: dict = field(default_factory=dict)
    nodes: list[dict] = field(default_factory=list)
    levels: list[dict] = field(default_factory=default_levels)
    previous: FrameworkVersion | None = None
    meta_sheet: str = "framework"


def read_framework_path(path: Path, **meta_overrides) -> ParsedFramework:
    """Parse and validate a framework file on disk; raise ImportFailed when invalid."""
    return parse_framework(read_path(path, SHEETS), meta_overrides)


def read_framework_upload(
    content: bytes, *, filename: str, **meta_overrides
) -> ParsedFramework:
    check_size(len(content), name=filename)
    if filename.lower().endswith(".csv"):
        sheets = {"indicators": read_csv(content, name=filename)}
    elif filename.lower().endswith(".xlsx"):
        sheets = read_xlsx(content)
    else:
        raise ImportFailed([ImportIssue(filename, 0, "", "unknown_file_type")])
    return parse_framework(sheets, meta_overrides)


def parse_framework(sheets: dict[str, Sheet], meta_overrides: dict) -> ParsedFramework:
    out = IssueCollector()
    parsed = ParsedFramework()
    indicators = sheets.get("indicators")
    if indicators is None:
        out.add("indicators", 0, "", "sheet_missing", sheet="indicators")
        raise ImportFailed(out.issues)
    parsed.meta = parse_meta(sheets.get("framework"), meta_overrides, out)
    meta_sheet = sheets["framework"].name if "framework" in sheets else "framework"
    parsed.meta_sheet = meta_sheet
    parsed.previous = _previous_version(parsed.meta, meta_sheet, out)
    if "levels" in sheets:
        parsed.levels = parse_levels(sheets["levels"], out)
    parsed.nodes = parse_nodes(indicators, out)
    if parsed.nodes:
        check_tree(indicators.name, parsed.nodes, out)
        _check_continues(indicators.name, parsed, out)
    if out.issues:
        raise ImportFailed(out.issues)
    return parsed


def _previous_version(
    meta: dict, sheet: str, out: IssueCollector
) -> FrameworkVersion | None:
    reference = meta.get("previous_version", "")
    if not reference:
        return None
    code, _sep, year = reference.rpartition(":")
    version = (
        FrameworkVersion.objects.filter(framework__code=code, year=year)
        .order_by("-number")
        .first()
        if year.isdigit()
        else None
    )
    if version is None:
        out.add(
            sheet,
            0,
            "previous_version",
            "unknown_previous_version",
            value=reference,
        )
    return version


def _check_continues(name: str, parsed: ParsedFramework, out: IssueCollector) -> None:
    wanted = [node for node in parsed.nodes if node["continues_code"]]
    if wanted and parsed.previous is None:
        if not parsed.meta.get("previous_version"):
            out.add(
                name, wanted[0]["row"], "continues_code", "continues_without_previous"
            )
        return
    known = (
        set(parsed.previous.nodes.values_list("code", flat=True)) if wanted else set()
    )
    for node in wanted:
        if node["continues_code"] not in known:
            out.add(
                name,
                node["row"],
                "continues_code",
                "unknown_continues",
                value=node["continues_code"],
            )


# ``framework_import``'s owner when none is named (see there).
DEFAULT_OWNER = object()


@transaction.atomic
def framework_import(
    *, parsed: ParsedFramework, user=None, province=DEFAULT_OWNER
) -> FrameworkVersion:
    """Write a validated framework as a new version (numbered after the year's last).

    The framework is ``user``'s province's (a national one for the national
    coordinator), or ``province``'s (None: national) when named: a code another
    owner's framework holds is refused with an :class:`ImportFailed` at the
    framework code, and nothing is written. With neither (commands, the demo),
    the framework of the code whoever owns it, else a new one of the province
    in scope or the installation's only province (national when there are
    several)."""
    meta = parsed.meta
    defaults = {
        "name_vi": meta["framework_name_vi"],
        "name_en": meta.get("framework_name_en", ""),
    }
    if user is not None:
        framework = _own_framework(parsed, framework_owner(user=user), defaults)
    elif province is not DEFAULT_OWNER:
        framework = _own_framework(parsed, province, defaults)
    else:
        framework, _created = Framework.unscoped.get_or_create(
            code=meta["framework_code"],
            defaults={**defaults, "province_id": _default_owner()},
        )
    last = framework.versions.filter(year=meta["year"]).order_by("-number").first()
    version = FrameworkVersion.objects.create(
        framework=framework,
        year=meta["year"],
        number=last.number + 1 if last else 1,
        unit_type=meta["unit_type"],
        legal_basis=meta.get("legal_basis", ""),
        precision=2 if meta.get("precision") in (None, "") else meta["precision"],
        levels=parsed.levels,
        level_edges=meta["level_edges"],
        previous=parsed.previous,
    )
    _create_nodes(version, parsed)
    audit_record(
        actor=user,
        action="import",
        obj=version,
        after={"nodes": len(parsed.nodes), "year": version.year},
    )
    return version


def _default_owner() -> int | None:
    scoped = province_scope.current()
    if isinstance(scoped, int) or scoped is None:
        return scoped
    return None if several_provinces() else default_province()


def _own_framework(parsed: ParsedFramework, province, defaults: dict) -> Framework:
    code = parsed.meta["framework_code"]
    conflict = framework_code_conflict(code=code, province=province)
    if not conflict:
        try:
            with transaction.atomic():
                framework, _created = Framework.unscoped.get_or_create(
                    code=code, defaults={**defaults, "province": province}
                )
        except IntegrityError:  # the same code saved meanwhile elsewhere
            conflict = framework_code_conflict(code=code, province=province)
            conflict = conflict or "framework_code_other_province"
        else:
            return framework
    sheet = parsed.meta_sheet
    issue = ImportIssue(sheet, 0, "framework_code", conflict, {"value": code})
    raise ImportFailed([issue])


def _create_nodes(version: FrameworkVersion, parsed: ParsedFramework) -> None:
    previous = (
        dict(parsed.previous.nodes.values_list("code", "id")) if parsed.previous else {}
    )
    ids: dict[str, int] = {}
    pending = list(parsed.nodes)
    while pending:
        ready = [n for n in pending if not n["parent_code"] or n["parent_code"] in ids]
        created = Node.objects.bulk_create(
            [_node(version, n, ids, previous) for n in ready]
        )
        ids.update((node.code, node.pk) for node in created)
        pending = [n for n in pending if n["code"] not in ids]


def _node(version, row: dict, ids: dict, previous: dict) -> Node:
    return Node(
        version=version,
        parent_id=ids.get(row["parent_code"]),
        continues_id=previous.get(row["continues_code"]),
        code=row["code"],
        kind=row["kind"],
        order=row["order"],
        name_vi=row["name_vi"],
        name_en=row["name_en"],
        guidance_vi=row["guidance_vi"],
        guidance_en=row["guidance_en"],
        answer_type=row["answer_type"],
        max_points=row["max_points"],
        capped=row["capped"],
        rule=row["rule"],
        rule_params=row["rule_params"],
        applies_to=row["applies_to"],
        requires_procedures=row["requires_procedures"],
        na_allowed=row["na_allowed"],
        evidence_required=row["evidence_required"],
        date_from=row["date_from"],
        date_to=row["date_to"],
        date_window=row["date_window"] or Node.DateWindow.WARN,
        provenance=row["provenance"] or Node.Provenance.SOURCED,
        source=row["source"],
        effort=row["effort"],
    )
