"""Reads: every query the views and services need, in one place."""

from django.db.models import Count, Max, QuerySet

import scoring
from survey.engine_io import engine_answer_fields
from survey.models import (
    Answer,
    AnswerComment,
    Assessment,
    AuditEvent,
    Membership,
    Notification,
    Unit,
    UnitResult,
    User,
)


def user_roles(*, user, unit: Unit | None = None) -> set[str]:
    """Roles ``user`` holds for ``unit`` (unit roles) plus province-wide roles."""
    if not user.is_authenticated or not user.is_active:
        return set()
    memberships = Membership.objects.filter(user=user)
    roles = set()
    for role, unit_id in memberships.values_list("role", "unit_id"):
        if role in Membership.PROVINCE_ROLES or (unit and unit_id == unit.pk):
            roles.add(role)
    return roles


def assessment_list_for_user(*, user) -> QuerySet[Assessment]:
    """Assessments ``user`` may see: their units', their review scope, or all."""
    qs = Assessment.objects.select_related("campaign", "unit", "version")
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if roles & Membership.PROVINCE_ROLES:
        return qs
    unit_ids = Membership.objects.filter(user=user, unit__isnull=False).values(
        "unit_id"
    )
    return qs.filter(unit_id__in=unit_ids)


UNIT_STAFF_ROLES = frozenset({Membership.Role.EDITOR, Membership.Role.APPROVER})


def assessment_list_for_unit_staff(*, user) -> QuerySet[Assessment]:
    """Assessments ``user`` fills or approves: those of the units where they are an
    editor or an approver. The questionnaire's pages are for them only; reviewers
    work on the verification screens, province-wide roles on the board."""
    qs = Assessment.objects.select_related("campaign", "unit", "version")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    unit_ids = Membership.objects.filter(
        user=user, role__in=UNIT_STAFF_ROLES, unit__isnull=False
    ).values("unit_id")
    return qs.filter(unit_id__in=unit_ids)


def framework_spec(*, version) -> scoring.FrameworkSpec:
    """The engine's view of a framework version (one query)."""
    rows = [
        {
            "code": node.code,
            "parent_code": node.parent.code if node.parent_id else "",
            "kind": node.kind,
            "max_points": float(node.max_points)
            if node.max_points is not None
            else None,
            "capped": node.capped,
            "rule": node.rule,
            "rule_params": node.rule_params,
            "answer_type": node.answer_type,
            "na_allowed": node.na_allowed,
            "applies_to": node.applies_to,
            "requires_procedures": node.requires_procedures,
        }
        for node in version.nodes.select_related("parent").order_by("order", "id")
    ]
    levels = [
        scoring.Level(lv["code"], float(lv["min_value"])) for lv in version.levels
    ]
    return scoring.FrameworkSpec.build(
        rows,
        precision=version.precision,
        levels=levels,
        level_edges=version.level_edges,
    )


ANSWER_VALUE_FIELDS = ("yes", "number", "denominator", "choice", "checks", "is_na")


def campaign_population(
    *, campaign, version, spec, blank_units=(), only=None
) -> tuple:
    """``(assessments, population)`` of ``campaign``'s units scored on ``version``.

    Two queries whatever the number of units: assessments, then answers.
    ``blank_units``: assessment ids scored as if nothing was answered (units that
    never submitted, under the campaign's rule). ``only``: assessment ids to keep
    (None: all), for rules that never look at other units.
    """
    chosen = Assessment.objects.filter(campaign=campaign, version=version)
    if only is not None:
        chosen = chosen.filter(pk__in=list(only))
    assessments = list(chosen.select_related("unit").order_by("pk"))
    units = [
        {
            "id": str(a.pk),
            "group": a.ranking_group,
            "ranked": a.ranked,
            "unit_type": a.unit.unit_type,
            "procedures": a.provides_procedures,
        }
        for a in assessments
    ]
    rows = (
        Answer.objects.filter(assessment__in=chosen)
        .exclude(assessment_id__in=list(blank_units))
        .values(
            "assessment_id",
            "node__code",
            "node__answer_type",
            "node__rule",
            "verified_value",
            "verified_points",
            "review_status",
            "self_points",
            *ANSWER_VALUE_FIELDS,
        )
        .iterator(chunk_size=5000)
    )
    answers = (_answer_record(row) for row in rows)
    population = scoring.Population.from_records(spec, units=units, answers=answers)
    return assessments, population


def _answer_record(row: dict) -> dict:
    """One answer as the engine reads it: the unit's, and the reviewer's if any.

    Points without a typed value (imported from a published year, or set by a
    reviewer) reach the engine as ``override`` and replace the rule's result.
    """
    node_type, rule = row["node__answer_type"], row["node__rule"]
    own = engine_answer_fields(answer_type=node_type, rule=rule, values=row)
    if not _has_value(own) and row["self_points"] is not None and not row["is_na"]:
        own["override"] = float(row["self_points"])
    record = {"unit": str(row["assessment_id"]), "code": row["node__code"], **own}
    status = row["review_status"]
    if status == Answer.ReviewStatus.AGREED:
        record["verified"] = own
    elif status == Answer.ReviewStatus.DISAGREED and row["verified_value"]:
        verified = {**row["verified_value"], "is_na": row["is_na"]}
        record["verified"] = engine_answer_fields(
            answer_type=node_type, rule=rule, values=verified
        )
    elif status == Answer.ReviewStatus.DISAGREED and row["verified_points"] is not None:
        record["verified"] = {**own, "override": float(row["verified_points"])}
    else:
        record["verified"] = None
    return record


def _has_value(fields: dict) -> bool:
    keys = ("value", "points", "denominator", "choice", "checks", "yes")
    return any(fields[key] is not None for key in keys)


def reviewer_in_scope(*, user, unit: Unit, node) -> bool:
    """Whether ``user`` reviews ``node`` of ``unit``: no indicator list means all of
    them; a list names indicators (matched by code, so it carries across versions)."""
    memberships = Membership.objects.filter(
        user=user, unit=unit, role=Membership.Role.REVIEWER
    ).prefetch_related("indicators")
    for membership in memberships:
        codes = {indicator.code for indicator in membership.indicators.all()}
        if not codes or node.code in codes:
            return True
    return False


# Verification ----------------------------------------------------------------------


def assessment_indicators(*, assessment: Assessment) -> list:
    """The indicators that apply to ``assessment``'s unit, in framework order."""
    nodes = assessment.version.nodes.filter(kind="indicator").order_by("order", "id")
    unit_type = assessment.unit.unit_type
    return [
        node
        for node in nodes
        if node.applies_to_unit(
            unit_type=unit_type, provides_procedures=assessment.provides_procedures
        )
    ]


def reviewer_codes(*, user, unit: Unit) -> set[str] | None:
    """Codes of the indicators ``user`` reviews for ``unit``: None means all of
    them (coordinator, or a reviewer without an indicator list); empty means none."""
    roles = user_roles(user=user, unit=unit)
    if Membership.Role.COORDINATOR in roles:
        return None
    codes: set[str] = set()
    memberships = Membership.objects.filter(
        user=user, unit=unit, role=Membership.Role.REVIEWER
    ).prefetch_related("indicators")
    for membership in memberships:
        mine = {indicator.code for indicator in membership.indicators.all()}
        if not mine:
            return None
        codes |= mine
    return codes


def review_scope_indicators(*, user, assessment: Assessment) -> list:
    """The applicable indicators of ``assessment`` that ``user`` reviews."""
    codes = reviewer_codes(user=user, unit=assessment.unit)
    nodes = assessment_indicators(assessment=assessment)
    return nodes if codes is None else [n for n in nodes if n.code in codes]


def visible_codes(*, user, unit: Unit) -> set[str] | None:
    """Codes of ``unit``'s indicators that ``user`` may see: None means all of them
    (unit and province-wide roles, a reviewer without an indicator list)."""
    roles = user_roles(user=user, unit=unit)
    if roles - {Membership.Role.REVIEWER}:
        return None
    if not roles:
        return set()
    return reviewer_codes(user=user, unit=unit)


def visible_indicators(*, user, assessment: Assessment) -> list:
    """The applicable indicators of ``assessment`` that ``user`` may see: all of
    them for the unit and province-wide roles, a reviewer's scope otherwise."""
    roles = user_roles(user=user, unit=assessment.unit)
    if roles - {Membership.Role.REVIEWER}:
        return assessment_indicators(assessment=assessment)
    if not roles:
        return []
    return review_scope_indicators(user=user, assessment=assessment)


def unit_reviewers(*, unit: Unit, node=None) -> list:
    """Active reviewers of ``unit`` (those whose scope holds ``node``, if given)."""
    memberships = (
        Membership.objects.filter(
            unit=unit, role=Membership.Role.REVIEWER, user__is_active=True
        )
        .prefetch_related("indicators")
        .select_related("user")
    )
    users = {}
    for membership in memberships:
        codes = {indicator.code for indicator in membership.indicators.all()}
        if node is None or not codes or node.code in codes:
            users[membership.user_id] = membership.user
    return list(users.values())


def unit_members(*, unit: Unit, roles=("editor", "approver")) -> list:
    """Active people holding one of ``roles`` for ``unit``."""
    return list(
        User.objects.filter(
            memberships__unit=unit, memberships__role__in=roles, is_active=True
        ).distinct()
    )


def answer_history(*, answer_ids) -> dict[int, list[AuditEvent]]:
    """Audit events of each answer, oldest first (one query)."""
    events = (
        AuditEvent.objects.filter(
            object_type="survey.answer",
            object_id__in=[str(pk) for pk in answer_ids],
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    history: dict[int, list[AuditEvent]] = {}
    for event in events:
        history.setdefault(int(event.object_id), []).append(event)
    return history


def submission_times(*, assessment: Assessment) -> list:
    """When ``assessment`` was submitted or resubmitted, oldest first."""
    return list(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.TRANSITION,
            object_type="survey.assessment",
            object_id=str(assessment.pk),
            after__action__in=["submit", "resubmit"],
        )
        .order_by("at", "id")
        .values_list("at", flat=True)
    )


def returned_snapshots(*, assessment: Assessment) -> dict[int, AuditEvent]:
    """The last return of each answer in the current correction round: the verdict
    event that returned it, whose ``after["values"]`` holds the answer as returned.

    The round starts at the submission before the last one (or the last one while
    the assessment is still returned).
    """
    times = submission_times(assessment=assessment)
    if assessment.state == Assessment.State.RETURNED:
        start = times[-1] if times else None
    elif len(times) >= 2:
        start = times[-2]
    else:
        return {}
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.VERDICT,
        assessment_id=assessment.pk,
        object_type="survey.answer",
        after__review_status=Answer.ReviewStatus.RETURNED,
    ).select_related("actor")
    if start is not None:
        events = events.filter(at__gt=start)
    return {int(e.object_id): e for e in events.order_by("at", "id")}


def comment_threads(*, assessment: Assessment, node_ids=None) -> dict[int, list]:
    """Comments of ``assessment`` per indicator id, oldest first (one query)."""
    comments = AnswerComment.objects.filter(assessment=assessment).select_related(
        "author"
    )
    if node_ids is not None:
        comments = comments.filter(node_id__in=list(node_ids))
    threads: dict[int, list] = {}
    for comment in comments.order_by("created_at", "id"):
        threads.setdefault(comment.node_id, []).append(comment)
    return threads


def notifications_for(*, user, unread_only: bool = False) -> QuerySet:
    qs = Notification.objects.filter(user=user).select_related(
        "assessment__unit", "node", "actor"
    )
    return qs.filter(read_at__isnull=True) if unread_only else qs


REVIEW_STATES = ("submitted", "in_review", "returned", "verified")


def assessments_to_review(*, user) -> QuerySet[Assessment]:
    """Assessments past submission that ``user`` reviews (all, for a coordinator)."""
    qs = Assessment.objects.select_related("campaign", "unit").filter(
        state__in=REVIEW_STATES
    )
    if Membership.Role.COORDINATOR in user_roles(user=user):
        return qs.order_by("-campaign__year", "unit__name_vi")
    units = Membership.objects.filter(user=user, role=Membership.Role.REVIEWER).values(
        "unit_id"
    )
    return qs.filter(unit_id__in=units).order_by("-campaign__year", "unit__name_vi")


# Campaigns ---------------------------------------------------------------------------


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


def campaign_board_assessments(
    *, campaign, state: str = "", group: str = ""
) -> list[Assessment]:
    qs = Assessment.objects.filter(campaign=campaign).select_related("unit", "campaign")
    if state:
        qs = qs.filter(state=state)
    if group:
        qs = qs.filter(ranking_group=group)
    return list(qs.order_by("ranking_group", "unit__name_vi"))


def campaign_groups(*, campaign) -> list[str]:
    return list(
        Assessment.objects.filter(campaign=campaign)
        .order_by("ranking_group")
        .values_list("ranking_group", flat=True)
        .distinct()
    )


def last_activity(*, assessment_ids) -> dict[int, object]:
    """The time of the last audit event of each assessment (one query)."""
    rows = (
        AuditEvent.objects.filter(assessment_id__in=list(assessment_ids))
        .values_list("assessment_id")
        .annotate(last=Max("at"))
        .order_by()
    )
    return dict(rows)


def reviewers_by_unit(*, unit_ids) -> dict[int, list[tuple]]:
    """``(reviewer, indicator codes or [] for all)`` per unit (two queries)."""
    memberships = (
        Membership.objects.filter(
            unit_id__in=list(unit_ids), role=Membership.Role.REVIEWER
        )
        .select_related("user")
        .prefetch_related("indicators")
        .order_by("user__username")
    )
    out: dict[int, list[tuple]] = {}
    for m in memberships:
        codes = sorted(indicator.code for indicator in m.indicators.all())
        out.setdefault(m.unit_id, []).append((m.user, codes, m.pk))
    return out


# Audit trail -------------------------------------------------------------------------


def audit_search(
    *, actor: str = "", action: str = "", unit: str = "", date_from=None, date_to=None
) -> QuerySet[AuditEvent]:
    """Audit events filtered by actor (user name), action, unit code and dates
    (inclusive, in local time), newest first."""
    events = AuditEvent.objects.select_related("actor").order_by("-at", "-id")
    if actor:
        events = events.filter(actor__username__iexact=actor)
    if action:
        events = events.filter(action=action)
    if unit:
        ids = Assessment.objects.filter(unit__code__iexact=unit).values("pk")
        events = events.filter(assessment_id__in=ids)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return events


def staff_unit_ids(*, user) -> set[int]:
    """Units where ``user`` is an editor or an approver."""
    return set(
        Membership.objects.filter(
            user=user, role__in=UNIT_STAFF_ROLES, unit__isnull=False
        ).values_list("unit_id", flat=True)
    )


def user_role_names(*, user) -> set[str]:
    """Every role ``user`` holds anywhere (for menus; permissions use scoped checks)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


RESULTS_SHARED_STATES = ("preliminary", "published", "reopened")


def results_shared_with(*, user, assessment: Assessment) -> bool:
    """Whether ``user`` may see the unit's rank and its group's figures: the province
    and the unit's reviewers always; the unit itself once the coordinator has shared
    the preliminary results (DESIGN §2, step 5)."""
    if assessment.campaign.state in RESULTS_SHARED_STATES:
        return True
    roles = user_roles(user=user, unit=assessment.unit)
    return bool(roles - UNIT_STAFF_ROLES)


def reviewer_assignments(*, campaign) -> QuerySet[Membership]:
    """Reviewers of the units taking part in ``campaign``, with their indicators."""
    return (
        Membership.objects.filter(
            role=Membership.Role.REVIEWER, unit__assessments__campaign=campaign
        )
        .select_related("user", "unit")
        .prefetch_related("indicators")
        .order_by("user__username", "unit__name_vi")
    )


def unit_names_in_campaign(*, campaign, codes) -> dict[str, str]:
    """``{code: "name (code)"}`` of the campaign's units among ``codes``."""
    units = Unit.objects.filter(
        code__in=list(codes), assessments__campaign=campaign
    ).distinct()
    return {unit.code: f"{unit} ({unit.code})" for unit in units}


def stored_totals(*, assessment_ids) -> dict:
    """The stored whole-framework result of each assessment (``UnitResult`` with no
    node), keyed by assessment id; one query."""
    rows = UnitResult.objects.filter(
        assessment_id__in=list(assessment_ids), node__isnull=True
    )
    return {row.assessment_id: row for row in rows}
