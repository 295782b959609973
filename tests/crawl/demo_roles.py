"""The demo as the crawl tests use it: seeded once, and its accounts by role.

The unit accounts are found in the seeded data, not spelled out, so that the tests
follow the demo when its units or their states change. Most roles are the first
province's; the national coordinator and two people of the demo's second province
walk too, so that every page is also seen from outside the first province.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management import call_command

from survey.models import Assessment, Membership, Province

# Province-wide accounts of the demo (`manage.py demo_accounts`).
PROVINCE_ROLES = {
    "coordinator": "dieuphoi",
    "reviewer": "thamdinh",
    "police-reviewer": "congan",  # scoped to the information-security indicators
    "committee": "bcd",
}
# Unit accounts: (unit type, role, state of the unit's assessment of the open
# campaign). Editor and approver of a department and of a commune, and between them
# a unit in every state that the open campaign has; 2023 and 2024 are published for
# every unit.
UNIT_ROLES = [
    ("department", "editor", "ready"),
    ("department", "approver", "ready"),
    ("commune", "editor", "returned"),
    ("commune", "approver", "returned"),
    ("commune", "editor", "draft"),
    ("department", "editor", "submitted"),
    ("commune", "editor", "in_review"),
    ("department", "approver", "verified"),
]
# The national coordinator (no province), and the demo's second province: its
# coordinator and the editor of one of its communes still drafting.
SECOND_PROVINCE = "son-ha"
OTHER_ROLES = {
    "national": "quocgia",
    "second-province-coordinator": "sonha-dieuphoi",
}
SECOND_UNIT_ROLES = {"second-province-commune-editor": ("commune", "editor", "draft")}
ROLE_IDS = [
    *PROVINCE_ROLES,
    *("-".join(role) for role in UNIT_ROLES),
    *OTHER_ROLES,
    *SECOND_UNIT_ROLES,
]
OPEN_YEAR = 2025
FILE_ROUTES = (".xlsx", ".docx", "/download/", "/file/")
BY_FRAMEWORK = ("assessments/<int:pk>/fill/", "assessments/<int:pk>/verify/")


def first_province() -> Province:
    """The demo's first province, the one of the guide and of most walks."""
    return Province.objects.order_by("pk").first()


def demo_seed() -> None:
    """The demo exactly as `make run` loads it (`seed_demo`, default seed)."""
    call_command("seed_demo")


def username_for(role_id: str) -> str:
    """The demo account that plays the role (see ROLE_IDS)."""
    if role_id in PROVINCE_ROLES:
        return PROVINCE_ROLES[role_id]
    if role_id in OTHER_ROLES:
        return OTHER_ROLES[role_id]
    if role_id in SECOND_UNIT_ROLES:
        province = Province.objects.get(code=SECOND_PROVINCE)
        unit_type, role, state = SECOND_UNIT_ROLES[role_id]
    else:
        province = Province.objects.order_by("pk").first()
        unit_type, role, state = role_id.split("-", 2)
    assessment = (
        Assessment.objects.filter(
            campaign__province=province,
            campaign__year=OPEN_YEAR,
            unit__unit_type=unit_type,
            state=state,
        )
        .order_by("unit__code")
        .first()
    )
    assert assessment is not None, f"the demo has no {unit_type} in state {state}"
    membership = Membership.objects.get(unit=assessment.unit_id, role=role)
    return membership.user.username


@dataclass(frozen=True)
class DemoIndex:
    """State of every assessment and campaign, to tell kinds of pages apart."""

    assessments: dict[int, tuple[str, str]]
    campaigns: dict[int, str]

    @classmethod
    def load(cls) -> DemoIndex:
        rows = Assessment.objects.values_list("pk", "state", "unit__unit_type")
        campaigns = {
            row["campaign_id"]: row["campaign__state"]
            for row in Assessment.objects.values("campaign_id", "campaign__state")
        }
        return cls({pk: (state, kind) for pk, state, kind in rows}, campaigns)

    def variant(self, route: str, kwargs: dict) -> tuple | None:
        """What makes two pages of one URL pattern worth opening both: the state of
        their assessment or campaign; for the questionnaire and the verification,
        which show the framework indicator by indicator, also the unit type (each
        has its framework) and the step. Files are opened once a pattern: they are
        built from what the page linking them shows."""
        if route.endswith(FILE_ROUTES):
            return None
        pk = kwargs.get("assessment_pk", kwargs.get("pk"))
        if "assessments/<int:pk>" in route or "assessment_pk" in kwargs:
            state, unit_type = self.assessments.get(pk, ("", ""))
            if route.startswith(BY_FRAMEWORK):
                return state, unit_type, kwargs.get("step")
            return (state,)
        if "campaigns/<int:pk>" in route:
            return (self.campaigns.get(pk),)
        return None
