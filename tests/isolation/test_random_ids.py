"""Random ids of the other province's objects in random URLs: a person of one
province meets 403, 404, 405 or the sign-in page, or a page of their own that
shows nothing of the other province; never a server error, never the other
province's data, and a POST on the other province's objects never goes
through."""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from survey.models import Membership
from tests.isolation.conftest import Side, body
from tests.isolation.test_lists import _known, routes

pytestmark = pytest.mark.django_db

# Which objects each argument names, by the route's start.
PK_PREFIXES = {
    "campaigns/<int:pk>": "campaigns",
    "reports/campaigns/<int:pk>": "campaigns",
    "assessments/<int:pk>": "assessments",
    "reports/assessments/<int:pk>": "assessments",
    "reports/exports/<int:pk>": "exports",
    "accounts/<int:pk>": "users",
    "api-tokens/<int:pk>": "tokens",
}
ARGS = {
    "assessment_pk": "assessments",
    "evidence_pk": "evidence",
    "node_pk": "nodes",
    "source_pk": "feeds",
    "membership_pk": "memberships",
}


def pools(side: Side) -> dict[str, list[int]]:
    """The ids of ``side``'s objects, by kind."""
    users = list(side.users.values())
    return {
        "units": [side.dept.pk, side.commune.pk],
        "campaigns": [side.open.pk, side.published.pk],
        "assessments": [
            a.pk for a in (side.assessment, side.submitted, side.published_assessment)
        ],
        "answers": [a.pk for a in side.answers],
        "evidence": [side.evidence.pk],
        "frameworks": [side.framework.pk],
        "versions": [v.pk for v in side.versions.values()],
        "nodes": [n.pk for n in side.nodes],
        "feeds": [side.feed.pk],
        "exports": [e.pk for e in side.exports],
        "users": [u.pk for u in users],
        "tokens": [t.pk for u in users for t in u.api_tokens.all()],
        "memberships": list(
            Membership.unscoped.filter(user__in=users).values_list("pk", flat=True)
        ),
        "comments": [c.pk for c in side.comments],
    }


INT_ROUTES = [
    (route, names)
    for route, names in routes()
    if names and not route.startswith("cong-khai/") and "<int:" in route
]


def _kind(route: str, name: str) -> str | None:
    if name == "pk":
        prefix = re.match(r"[^<]*<int:pk>", route)
        return PK_PREFIXES.get(prefix.group(0)) if prefix else None
    return ARGS.get(name)


def _url(route: str, values: dict) -> str:
    return "/" + re.sub(
        r"<(?:\w+:)?(?P<name>\w+)>", lambda m: str(values[m.group("name")]), route
    )


def _login_redirect(response) -> bool:
    location = response.get("Location", "")
    return location.startswith(django_settings.LOGIN_URL) or "/login/" in location


@settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def _explore(iso, mine: Side, theirs: Side, role: str, data) -> None:
    client = Client()
    client.force_login(mine.users[role])
    ids = pools(theirs)
    every = sorted({pk for pks in ids.values() for pk in pks})
    route, names = data.draw(st.sampled_from(INT_ROUTES), label="route")
    own = pools(mine)
    values, picks = {}, []
    for name in names:
        kind = _kind(route, name)
        if kind is None:  # a name of a chart, a step, a format
            values[name] = data.draw(
                st.sampled_from(["pillars", "levels", "1", "x"]), label=name
            )
            continue
        # the other side's object of the right kind, any of its ids, or (beside
        # one of the other side's) one's own object of the right kind
        pick = data.draw(st.sampled_from(["theirs", "any", "mine"]), label=name)
        pool = {"theirs": ids[kind], "any": every, "mine": own[kind]}[pick]
        picks.append(pick)
        values[name] = data.draw(st.sampled_from(pool), label=f"{name} id")
    assume(picks and picks != ["mine"] * len(picks))
    matched = "theirs" in picks and "any" not in picks
    url = _url(route, values)
    # the leaks listed (and xfailed) in test_lists and test_actions
    assume(not _known(url))
    method = data.draw(st.sampled_from(["get", "post"]), label="method")
    with transaction.atomic():
        response = getattr(client, method)(url)
        transaction.set_rollback(True)
    status = response.status_code
    assert status < 500, (method, url, status)
    if status == 200:
        assert not theirs.leaks(body(response)), (method, url)
    if matched and method == "post":
        # the other province's own objects: the request never goes through
        assert status in (403, 404, 405) or _login_redirect(response), (
            method,
            url,
            status,
        )


@pytest.mark.parametrize("role", ["coordinator", "editor"])
@pytest.mark.parametrize("direction", ["A→B", "B→A"])
def test_random_ids_of_the_other_province(iso, direction, role):
    mine, theirs = (iso.a, iso.b) if direction == "A→B" else (iso.b, iso.a)
    assert len(INT_ROUTES) > 30
    _explore(iso, mine, theirs, role)
