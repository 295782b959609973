"""Reads of the questionnaire: its steps, the review, progress, and evidence.

The structure comes from the assessment's framework version: one step per pillar
(or bonus/penalty group), leaving out what does not apply to the unit. Every
function here reads; writes are in ``survey.services``.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from operator import and_, or_

from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language

from survey.answer_types import ANSWER_TYPES
from survey.models import Answer, Assessment, Campaign, Evidence, Node
from survey.results.totals import Figure, UnitTotals, assessment_totals

STEP_KINDS = (Node.Kind.PILLAR, Node.Kind.BONUS_GROUP, Node.Kind.PENALTY_GROUP)
OUTSIDE_MAX_KINDS = frozenset({Node.Kind.BONUS_GROUP, Node.Kind.PENALTY_GROUP})
OUTSIDE_MAX = frozenset({Node.Rule.BONUS, Node.Rule.PENALTY, Node.Rule.NONE, ""})


def localized(obj, name: str, *, vi: str = "_vi", en: str = "_en") -> str:
    """``obj.<name>_en`` in English when filled, else ``obj.<name>_vi``."""
    get = obj.get if isinstance(obj, dict) else lambda key: getattr(obj, key, "")
    if (get_language() or "vi").startswith("en") and get(f"{name}{en}"):
        return get(f"{name}{en}")
    return get(f"{name}{vi}") or ""


# The questionnaire's structure ------------------------------------------------------


@dataclass
class Step:
    name: str
    node: Node
    entries: list[tuple[int, Node]] = field(default_factory=list)  # (depth, node)

    @property
    def indicators(self) -> list[Node]:
        return [node for _depth, node in self.entries if node.is_indicator]

    @property
    def title(self) -> str:
        return localized(self.node, "name")


def questionnaire_steps(
    *, assessment: Assessment, nodes: list[Node] | None = None
) -> list[Step]:
    """The steps that apply to ``assessment``'s unit, each with its headings and
    indicators in tree order (one query unless ``nodes`` of its version are given).
    Nodes that do not apply are left out, and so are steps left without indicators."""
    if nodes is None:
        nodes = list(assessment.version.nodes.order_by("order", "id"))
    return _steps(
        nodes,
        unit_type=assessment.unit.unit_type,
        procedures=assessment.provides_procedures,
    )


def _steps(nodes: list[Node], *, unit_type: str, procedures: bool) -> list[Step]:
    children: dict[int | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    steps = []
    for top in children.get(None, []):
        if top.kind not in STEP_KINDS:
            continue
        step = Step(_step_name(top), top)
        _walk(step, children, top, 0, unit_type, procedures)
        if step.indicators:
            steps.append(step)
    return steps


def _walk(step, children, parent, depth, unit_type, procedures) -> None:
    for node in children.get(parent.pk, []):
        if not node.applies_to_unit(
            unit_type=unit_type, provides_procedures=procedures
        ):
            continue
        step.entries.append((depth, node))
        _walk(step, children, node, depth + 1, unit_type, procedures)


def _step_name(node: Node) -> str:
    code = node.code
    safe = code and code != "done" and all(c.isalnum() or c in "._-" for c in code)
    return code if safe else f"n{node.pk}"


# Review and progress ----------------------------------------------------------------


@dataclass
class ReviewRow:
    node: Node
    answer: Answer | None
    given: bool

    @property
    def points(self) -> Decimal | None:
        return self.answer.self_points if self.answer else None

    @property
    def max_points(self) -> Decimal | None:
        if self.node.rule in OUTSIDE_MAX or (self.answer and self.answer.is_na):
            return None
        return self.node.max_points

    @property
    def name(self) -> str:
        return localized(self.node, "name")

    @property
    def unconfirmed(self) -> list[Evidence]:
        """Evidence carried from last year and not yet confirmed as still valid."""
        if self.answer is None:
            return []
        return [e for e in self.answer.evidence.all() if not e.confirmed]


@dataclass
class StepReview:
    """One step's rows; ``figure``: the engine's self-assessed points and maximum of
    the step's node (caps applied), when the caller asked for totals."""

    step: Step
    rows: list[ReviewRow]
    figure: Figure | None = None

    @property
    def answered(self) -> int:
        return sum(row.given for row in self.rows)

    @property
    def missing(self) -> list[ReviewRow]:
        return [row for row in self.rows if not row.given]

    @property
    def unconfirmed(self) -> list[ReviewRow]:
        return [row for row in self.rows if row.unconfirmed]

    @property
    def percent(self) -> int:
        return round(100 * self.answered / len(self.rows)) if self.rows else 100

    @property
    def points(self) -> Decimal | None:
        return self.figure.points if self.figure else None

    @property
    def max_points(self) -> Decimal | None:
        return self.figure.maximum if self.figure else None

    @property
    def outside_max(self) -> bool:
        """Bonus and penalty groups sit outside the total's maximum."""
        return self.step.node.kind in OUTSIDE_MAX_KINDS


def assessment_review(
    *,
    assessment: Assessment,
    answers: dict[int, Answer] | None = None,
    totals: UnitTotals | None = None,
) -> list[StepReview]:
    """Every step's indicators with their answers (and evidence) and completeness;
    with ``totals`` (:func:`survey.results.totals.assessment_totals`), each
    step's self-assessed points and maximum as the engine rolls them up."""
    if answers is None:
        rows = assessment.answers.prefetch_related("evidence")
        answers = {a.node_id: a for a in rows}
    parts = totals.parts if totals is not None else {}
    return [
        StepReview(
            step,
            [
                ReviewRow(
                    node,
                    answers.get(node.pk),
                    answer_is_given(answers.get(node.pk), node),
                )
                for node in step.indicators
            ],
            parts.get(step.node.code),
        )
        for step in questionnaire_steps(assessment=assessment)
    ]


def review_totals(*, assessment: Assessment) -> UnitTotals:
    """The unit's totals for its review page: the engine's roll-up, never a sum of
    the rows (which would miss caps and count bonus items in the maximum)."""
    return assessment_totals(assessments=[assessment])[assessment.pk]


# When an answer counts as given: N/A, or every field its type fills. One table,
# read on a loaded answer and as a filter on the database, so that the review
# rows, the board's progress and the reports' progress sheet count alike. A
# checklist once saved is answered even with nothing ticked.
_SOME_TEXT = re.compile(r"\S")
_GIVEN = {
    "yes": (lambda a: a.yes is not None, Q(yes__isnull=False)),
    "number": (lambda a: a.number is not None, Q(number__isnull=False)),
    "denominator": (lambda a: a.denominator is not None, Q(denominator__isnull=False)),
    "choice": (lambda a: bool(a.choice), ~Q(choice="")),
    "checks": (
        lambda a: bool(a.checks) or a.version > 0,
        Q(checks__0__isnull=False) | Q(version__gt=0),
    ),
    "date": (lambda a: a.date is not None, Q(date__isnull=False)),
    "text": (
        lambda a: bool(_SOME_TEXT.search(a.text)),
        Q(text__regex=_SOME_TEXT.pattern),
    ),
}


def answer_is_given(answer: Answer | None, node: Node) -> bool:
    """Whether ``answer`` answers ``node`` (N/A counts as an answer)."""
    if answer is None:
        return False
    if answer.is_na:
        return True
    kind = ANSWER_TYPES.get(node.answer_type)
    fields = kind.fields if kind is not None else ()
    return bool(fields) and all(_GIVEN[f][0](answer) for f in fields)


def answered_filter() -> Q:
    """:func:`answer_is_given` as a filter on ``Answer`` rows (one query for many)."""
    by_type = [
        Q(node__answer_type=code) & reduce(and_, (_GIVEN[f][1] for f in kind.fields))
        for code, kind in ANSWER_TYPES.items()
        if kind.fields
    ]
    return reduce(or_, by_type, Q(is_na=True))


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


def assessment_progress(*, assessments: list[Assessment]) -> dict[int, Progress]:
    """Answered and applicable indicators per assessment (two queries whatever the
    number of assessments); points are :func:`assessment_totals`'s."""
    ids = [a.pk for a in assessments]
    return _progress(
        assessments=[
            (a.pk, a.version_id, a.unit.unit_type, a.provides_procedures)
            for a in assessments
        ],
        answers=Answer.objects.filter(assessment_id__in=ids),
    )


def campaign_progress(*, campaign: Campaign) -> dict[int, Progress]:
    """:func:`assessment_progress` of every assessment of ``campaign`` (three
    queries): the board's figures, as the reports show them."""
    rows = Assessment.objects.filter(campaign=campaign).values_list(
        "pk", "version_id", "unit__unit_type", "provides_procedures"
    )
    return _progress(
        assessments=list(rows),
        answers=Answer.objects.filter(assessment__campaign=campaign),
    )


def progress_of(*, assessments: QuerySet[Assessment]) -> dict[int, Progress]:
    """:func:`assessment_progress` of every assessment of a queryset (three
    queries, none loading an assessment): to sort a whole list by progress."""
    rows = assessments.order_by().values_list(
        "pk", "version_id", "unit__unit_type", "provides_procedures"
    )
    return _progress(
        assessments=list(rows),
        answers=Answer.objects.filter(assessment__in=assessments.values("pk")),
    )


def _progress(*, assessments: list[tuple], answers) -> dict[int, Progress]:
    """Progress of ``assessments`` given as ``(id, version id, unit type, provides
    procedures)``, counting the given ones among ``answers``.

    The applicable indicators are the questionnaire's (:func:`questionnaire_steps`),
    worked out once per version, unit type and procedures from the version's nodes
    (one query); the answered ones are counted by the database, grouped by
    assessment, among those indicators only (one query)."""
    keys = {
        (version, kind, procedures) for _pk, version, kind, procedures in assessments
    }
    nodes_by_version: dict[int, list[Node]] = {}
    versions = {version for version, _kind, _procedures in keys}
    for node in Node.objects.filter(version_id__in=versions).order_by("order", "id"):
        nodes_by_version.setdefault(node.version_id, []).append(node)
    applicable = {
        key: sorted(
            node.pk
            for step in _steps(
                nodes_by_version.get(key[0], []), unit_type=key[1], procedures=key[2]
            )
            for node in step.indicators
        )
        for key in keys
    }
    counted = {}
    if assessments:
        within = reduce(
            or_,
            (
                Q(
                    assessment__version_id=version,
                    assessment__unit__unit_type=kind,
                    assessment__provides_procedures=procedures,
                    node_id__in=node_ids,
                )
                for (version, kind, procedures), node_ids in applicable.items()
            ),
        )
        counted = dict(
            answers.filter(answered_filter())
            .filter(within)
            .values("assessment_id")
            .annotate(n=Count("id"))
            .values_list("assessment_id", "n")
            .order_by()
        )
    return {
        pk: Progress(counted.get(pk, 0), len(applicable[(version, kind, procedures)]))
        for pk, version, kind, procedures in assessments
    }


# Evidence ---------------------------------------------------------------------------


def assessment_previous(*, assessment: Assessment) -> Assessment | None:
    """The same unit's assessment of the latest earlier year, if any."""
    return (
        Assessment.objects.filter(
            unit_id=assessment.unit_id, campaign__year__lt=assessment.campaign.year
        )
        .select_related("version")
        .order_by("-campaign__year", "-pk")
        .first()
    )


def evidence_previous(
    *, assessment: Assessment, nodes: list[Node], carried: set[int] = frozenset()
) -> dict[int, list[Evidence]]:
    """Last year's evidence of the unit for each of ``nodes`` (keyed by node id),
    leaving out the items whose ids are in ``carried`` (already carried forward).

    An indicator is followed to last year's through its ``continues`` link (which
    may name an indicator of another version of that year: matched by its code
    then), or through its own code when it has none. Three queries at most,
    whatever the number of indicators.
    """
    previous = assessment_previous(assessment=assessment)
    if previous is None or not nodes:
        return {}
    continued = {n.continues_id for n in nodes if n.continues_id}
    rows = (
        list(
            Node.objects.filter(pk__in=continued).values_list(
                "pk", "version_id", "code"
            )
        )
        if continued
        else []
    )
    direct = {pk: version_id for pk, version_id, _code in rows}
    codes = {pk: code for pk, _version_id, code in rows}
    targets: dict[int, list[int]] = {}  # node id or -code key → our node ids
    by_code: dict[str, list[int]] = {}
    for node in nodes:
        if node.continues_id and direct.get(node.continues_id) == previous.version_id:
            targets.setdefault(node.continues_id, []).append(node.pk)
        else:
            code = codes.get(node.continues_id) if node.continues_id else node.code
            if code:
                by_code.setdefault(code, []).append(node.pk)
    items = (
        Evidence.objects.filter(answer__assessment=previous)
        .filter(
            Q(answer__node_id__in=list(targets))
            | Q(answer__node__code__in=list(by_code))
        )
        .exclude(pk__in=list(carried))
        .select_related("answer__node")
        .order_by("answer__node_id", "pk")
    )
    found: dict[int, list[Evidence]] = {}
    for item in items:
        node = item.answer.node
        ours = targets.get(node.pk) or by_code.get(node.code, [])
        for node_id in ours:
            found.setdefault(node_id, []).append(item)
    return found


# The state of each step, from answers already loaded ---------------------------------


@dataclass(frozen=True)
class StepState:
    """What the step list shows of one step: answered of applicable, and how many
    of its indicators are returned, unanswered, or stored with values the engine
    cannot score (an incomplete ratio, say)."""

    answered: int
    total: int
    returned: int = 0
    invalid: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    @property
    def attention(self) -> int:
        return self.returned + self.invalid + (self.total - self.answered)


def answer_needs_attention(answer: Answer | None, node: Node) -> bool:
    """Returned, unanswered or unscorable: the items the "needs attention" filter
    keeps."""
    return (
        answer_is_returned(answer)
        or answer_is_invalid(answer)
        or not answer_is_given(answer, node)
    )


def answer_is_returned(answer: Answer | None) -> bool:
    return answer is not None and answer.review_status == Answer.ReviewStatus.RETURNED


def answer_is_invalid(answer: Answer | None) -> bool:
    return answer is not None and not answer.is_na and bool(answer.points_error)


def step_states(
    *, steps: list[Step], answers: dict[int, Answer]
) -> dict[str, StepState]:
    """Each step's :class:`StepState`, keyed by step name, from ``answers`` (the
    assessment's answers by node id, already loaded: no query)."""
    states = {}
    for step in steps:
        nodes = step.indicators
        found = [answers.get(node.pk) for node in nodes]
        states[step.name] = StepState(
            answered=sum(
                answer_is_given(a, n) for a, n in zip(found, nodes, strict=True)
            ),
            total=len(nodes),
            returned=sum(answer_is_returned(a) for a in found),
            invalid=sum(answer_is_invalid(a) for a in found),
        )
    return states


def overall_state(states: dict[str, StepState]) -> StepState:
    """The questionnaire's progress: the steps' states added up."""
    rows = list(states.values())
    return StepState(
        answered=sum(s.answered for s in rows),
        total=sum(s.total for s in rows),
        returned=sum(s.returned for s in rows),
        invalid=sum(s.invalid for s in rows),
    )
