"""Reads of the campaign screens: counts by state, the board, reviewers by unit;
and the filters, search and sorting shared by the list pages."""

import unicodedata
from collections.abc import Sequence

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from survey.models import (
    Answer,
    Assessment,
    Campaign,
    Membership,
    ReminderLog,
    Unit,
)
from survey.permissions import BY_CODE, membership_codes
from survey.selectors.questionnaire import progress_of
from survey.selectors.scope import REVIEWER, reviewer_memberships


def campaign_years() -> list[int]:
    """The years of every campaign, latest first (a list filter's choices)."""
    return list(
        Campaign.objects.order_by("-year").values_list("year", flat=True).distinct()
    )


def campaign_state_counts(*, campaign) -> dict[str, int]:
    """Assessments of ``campaign`` per state, every state listed (one query)."""
    counts = dict.fromkeys(Assessment.State.values, 0)
    rows = (
        Assessment.objects.filter(campaign=campaign)
        .values_list("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


def folded(text: str) -> str:
    """``text`` without accents nor case, as people type it on any keyboard:
    "Xã Sơn Đông" reads "xa son dong"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold()


def units_matching(q: str) -> list[int]:
    """Ids of the units whose code or either name holds ``q``, accents and case
    ignored (one query: a province has a few thousand units)."""
    wanted = folded(q)
    rows = Unit.objects.values_list("pk", "code", "name_vi", "name_en")
    return [pk for pk, *texts in rows if any(wanted in folded(t or "") for t in texts)]


def assessments_filtered(
    assessments: QuerySet[Assessment],
    *,
    q: str = "",
    state: str = "",
    year: int | None = None,
    unit_type: str = "",
    group: str | None = None,
    reviewer: int | None = None,
) -> QuerySet[Assessment]:
    """``assessments`` narrowed by the filters of a list page (empty: not given):
    ``q`` found in the unit's code or either of its names, accents and case
    ignored; ``reviewer`` a user id among the unit's reviewers."""
    if q:
        assessments = assessments.filter(unit_id__in=units_matching(q))
    if state:
        assessments = assessments.filter(state=state)
    if year is not None:
        assessments = assessments.filter(campaign__year=year)
    if unit_type:
        assessments = assessments.filter(unit__unit_type=unit_type)
    if group is not None:
        assessments = assessments.filter(ranking_group=group)
    if reviewer is not None:
        reviewed = Membership.objects.filter(role=REVIEWER, user_id=reviewer)
        assessments = assessments.filter(unit_id__in=reviewed.values("unit_id"))
    return assessments


# Sorting the lists --------------------------------------------------------------------

STATE_ORDER = Case(
    *(When(state=value, then=Value(i)) for i, value in enumerate(Assessment.State)),
    output_field=IntegerField(),
)


def with_last_saved(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """``assessments`` with ``last_saved``: when an answer was last saved or the
    assessment submitted, whichever is later (None when neither happened)."""
    latest_answer = Subquery(
        Answer.objects.filter(assessment=OuterRef("pk"))
        .order_by()
        .values("assessment")
        .annotate(m=Max("updated_at"))
        .values("m"),
        output_field=DateTimeField(),
    )
    return assessments.annotate(
        last_saved=Greatest(
            Coalesce(latest_answer, "submitted_at"),
            Coalesce("submitted_at", latest_answer),
        )
    )


SORT_KEYS = {
    "unit": F("unit__name_vi"),
    "state": STATE_ORDER,
    "saved": F("last_saved"),
    "deadline": Coalesce("extended_until", "campaign__deadline"),
    "year": F("campaign__year"),
}


class RowsInOrder(Sequence):
    """The rows of ``rows`` (a queryset) in the order of ``ids``, sorted outside
    the database; a slice (a page) is read in one query."""

    def __init__(self, *, ids: list[int], rows: QuerySet) -> None:
        self.ids, self.rows = ids, rows

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self.ids[index]
        found = self.rows.in_bulk(ids)
        return [found[pk] for pk in ids if pk in found]

    def none(self) -> QuerySet:
        return self.rows.none()


def assessments_sorted(
    assessments: QuerySet[Assessment], *, sort: str, then: tuple[str, ...]
) -> QuerySet[Assessment] | RowsInOrder:
    """``assessments`` in the order ``sort`` names (``-`` first: descending), empty
    values last, then by ``then``. ``progress`` is counted for every row (four
    queries, no row loaded) and sorted here; the others by the database. ``sort``
    comes from a whitelist (:data:`survey.forms.lists.COLUMNS`)."""
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    if key == "progress":
        ids = list(assessments.order_by(*then).values_list("pk", flat=True))
        progress = progress_of(assessments=assessments)
        # a stable sort keeps ``then`` among equal figures, in either direction
        ids.sort(key=lambda pk: progress[pk].percent, reverse=descending)
        return RowsInOrder(ids=ids, rows=assessments)
    expression = SORT_KEYS[key]
    order = (
        expression.desc(nulls_last=True)
        if descending
        else expression.asc(nulls_last=True)
    )
    return assessments.order_by(order, *then)


BOARD_ORDER = ("ranking_group", "unit__name_vi", "pk")


def campaign_board_assessments(
    *, campaign, sort: str = "", **filters
) -> QuerySet[Assessment] | RowsInOrder:
    """The board's assessments of ``campaign`` with ``last_saved`` and
    ``last_reminded``, by group then unit name unless ``sort``
    (:func:`assessments_sorted`) says otherwise, narrowed by
    :func:`assessments_filtered`'s ``filters``; paginate before reading further."""
    qs = Assessment.objects.filter(campaign=campaign).select_related("unit", "campaign")
    qs = with_last_saved(assessments_filtered(qs, **filters)).annotate(
        last_reminded=Subquery(
            ReminderLog.objects.filter(assessment=OuterRef("pk"))
            .order_by("-sent_at")
            .values("sent_at")[:1]
        )
    )
    if sort:
        return assessments_sorted(qs, sort=sort, then=BOARD_ORDER)
    return qs.order_by(*BOARD_ORDER)


def campaign_groups(*, campaign) -> list[str]:
    return list(
        Assessment.objects.filter(campaign=campaign)
        .order_by("ranking_group")
        .values_list("ranking_group", flat=True)
        .distinct()
    )


def campaign_reviewers(*, campaign) -> list[tuple[int, str]]:
    """``(user id, name)`` of the reviewers of the campaign's units, by user name
    (a list filter's choices)."""
    units = Assessment.objects.filter(campaign=campaign).values("unit_id")
    users = (
        Membership.objects.filter(role=REVIEWER, unit_id__in=units)
        .order_by("user__username")
        .values_list("user_id", "user__username", "user__full_name")
        .distinct()
    )
    return [(pk, full_name or username) for pk, username, full_name in users]


def reviewers_by_unit(*, unit_ids) -> dict[int, list[tuple]]:
    """``(reviewer, indicator codes or [] for all, membership id)`` per unit (two
    queries)."""
    memberships = (
        reviewer_memberships()
        .filter(unit_id__in=list(unit_ids))
        .select_related("user")
        .order_by("user__username")
    )
    out: dict[int, list[tuple]] = {}
    for m in memberships:
        codes = sorted(membership_codes(m) or ())
        out.setdefault(m.unit_id, []).append((m.user, codes, m.pk))
    return out


def campaign_units(*, campaign, **filters) -> QuerySet[Unit]:
    """The units taking part in ``campaign``, by name, narrowed by
    :func:`assessments_filtered`'s ``filters`` on their assessments."""
    assessments = assessments_filtered(
        Assessment.objects.filter(campaign=campaign), **filters
    )
    return Unit.objects.filter(pk__in=assessments.values("unit_id")).order_by(
        "name_vi", "pk"
    )


def reviewer_assignments(*, campaign, units=None) -> QuerySet[Membership]:
    """Reviewers of the units taking part in ``campaign`` (of ``units`` only, a
    queryset, if given), with their indicators; paginate before reading."""
    memberships = reviewer_memberships().filter(
        unit__in=campaign_units(campaign=campaign) if units is None else units
    )
    return memberships.select_related("user", "unit").order_by(
        "user__username", "unit__name_vi", "pk"
    )


def unit_names_in_campaign(*, campaign, codes) -> dict[str, str]:
    """``{code: "name (code)"}`` of the campaign's units among ``codes``."""
    units = Unit.objects.filter(
        code__in=list(codes), assessments__campaign=campaign
    ).distinct()
    return {unit.code: f"{unit} ({unit.code})" for unit in units}


def unit_recipients(*, unit_ids) -> dict[int, list]:
    """Active people who fill each unit's questionnaire (its editors and approvers),
    by unit id, by user name (one query)."""
    memberships = (
        Membership.objects.filter(
            unit_id__in=list(unit_ids),
            role__in=list(BY_CODE["open_questionnaire"].roles),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__username", "pk")
    )
    out: dict[int, dict] = {}
    for m in memberships:
        out.setdefault(m.unit_id, {})[m.user_id] = m.user
    return {unit_id: list(users.values()) for unit_id, users in out.items()}
