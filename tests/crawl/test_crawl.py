"""Every page of the demo province, as every kind of person, opens cleanly.

The demo is seeded once for the module, exactly as `make run` loads it. Each role
of `demo_roles.ROLE_IDS` signs in and walks the site from its home page (see
`crawler`): every link of the menu and of each page it reaches, downloads included,
with pages of one pattern sampled once per state of their assessment or campaign.
Each walk is then held to these rules, one test each, so that a failure names the
role and lists the URLs:

- no page answers 5xx;
- no link leads to a page that the person may not open (4xx);
- no template shows an unknown variable (`string_if_invalid` set to a marker);
- no page runs more than QUERY_BUDGET database queries;
- no Vietnamese page shows an English msgid of the catalogue (the rule is in
  `catalogue`'s docstring);
- every page carries a strict Content-Security-Policy, and writes no script or
  style into its HTML that the policy would refuse (`page_policy`).

A defect that is known and owned elsewhere is listed in KNOWN_DEFECTS: it is left
out of the rules above and checked by `test_known_defect_is_still_there`, a strict
xfail, so that the entry has to go once the defect is fixed.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve
from django.utils.translation import get_language_info

from survey.models import (
    Assessment,
    Campaign,
    FeedSource,
    Membership,
    Province,
    User,
)
from tests.crawl.catalogue import po_messages, probes, untranslated
from tests.crawl.crawler import Crawl, Page, crawl
from tests.crawl.demo_roles import (
    OPEN_YEAR,
    ROLE_IDS,
    SECOND_PROVINCE,
    UNIT_ROLES,
    DemoIndex,
    demo_seed,
    username_for,
)
from tests.crawl.page_policy import inline_code, policy_faults

pytestmark = pytest.mark.django_db

INVALID = "CRAWL-INVALID-VARIABLE"
INVALID_FOUND = re.compile(rf"{INVALID}\[([^\]]*)\]")
# The busiest page of the demo runs 33 queries (the coordinator's home page); 60
# leaves room for honest growth and still catches a query per row of a list.
QUERY_BUDGET = 60
# No walk comes near this; reaching it means that pages grew links the sampling does
# not recognise, and the walk would silently stop covering the site.
MAX_PAGES = 300
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
ENDONYMS = frozenset(
    get_language_info(code)["name_local"] for code, _name in settings.LANGUAGES
)

# The demo holds two provinces: a published campaign's public page and files
# have the province in their address.
PUBLIC_CAMPAIGN = "open:province_campaign"
PUBLIC_DOWNLOAD = "open:province_download"
# Pages the national coordinator's walk reaches (the national views add theirs).
NATIONAL_PAGES = {
    "survey:home",
    "survey:framework_list",
    "survey:framework_import",
    "reports:national",
    "reports:national_xlsx",
}
# The walks of the second province's people, and a name only the first
# province's units have.
SECOND_PROVINCE_WALKS = (
    "second-province-coordinator",
    "second-province-commune-editor",
)
FIRST_PROVINCE_ONLY = "Sở Tư pháp"
ACCOUNT_PAGES = ("survey:account",)

# (rule, URL name of the page, detail, why): detail is the unknown variable, the URL
# name of the page holding a broken link, the msgid, or "" for any.
KNOWN_DEFECTS: list[tuple[str, str, str, str]] = []


@dataclass(frozen=True)
class Finding:
    rule: str
    url_name: str
    detail: str
    message: str

    def known(self) -> bool:
        return any(
            (rule, name) == (self.rule, self.url_name) and detail in ("", self.detail)
            for rule, name, detail, _why in KNOWN_DEFECTS
        )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The seeded demo for the whole module, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_seed()
        # A file feed's source, so that its pages are walked too.
        FeedSource.objects.create(
            name="Cổng dịch vụ công tỉnh",
            unit_column="ma_don_vi",
            columns={"so_ho_so": "1.1"},
        )
        yield DemoIndex.load()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def catalogue():
    return probes(po_messages(CATALOGUE))


@pytest.fixture(scope="module")
def walks(demo, catalogue):
    """The findings of each role's walk, the walk made when a test first asks."""
    done: dict[str, tuple[Crawl, list[Finding]]] = {}
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = f"{INVALID}[%s]"

    def walk(role_id: str) -> tuple[Crawl, list[Finding]]:
        if role_id not in done:
            client = Client()
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
            client.force_login(User.objects.get(username=username_for(role_id)))
            with override_settings(TEMPLATES=templates):
                result = crawl(
                    client,
                    start=("/", *OFFLINE_PAGES),
                    cap=1,
                    variant=demo.variant,
                    max_pages=MAX_PAGES,
                )
            found = [f for page in result.pages for f in _findings(page, catalogue)]
            done[role_id] = result, found
        return done[role_id]

    return walk


@pytest.fixture(scope="module")
def public_walk(demo, catalogue):
    """The public results walked by someone who never signed in: each published
    campaign's page once, and each of its downloads."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = f"{INVALID}[%s]"
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    with override_settings(TEMPLATES=templates):
        result = crawl(
            client,
            start=("/cong-khai/",),
            cap=1,
            variant=lambda route, kwargs: kwargs.get("fmt"),
            max_pages=MAX_PAGES,
        )
    return result, [f for page in result.pages for f in _findings(page, catalogue)]


# Linked from no page but asked for by browsers: the page shown offline when nothing
# was kept, the web app manifest and the service worker.
OFFLINE_PAGES = ("/offline/", "/manifest.webmanifest", "/sw.js")
OFFLINE_NAMES = {"survey:offline", "survey:manifest", "survey:service_worker"}


def _findings(page: Page, catalogue) -> list[Finding]:
    name, url = page.url_name, page.url
    found = []
    if page.status >= 500:
        message = f"{page.status} {url} (linked from {page.found_on}) {page.error}"
        found.append(Finding("server error", name, "", message))
    elif page.status >= 400:
        message = f"{page.status} {url} (linked from {page.found_on})"
        found.append(Finding("broken link", name, page.found_on_name, message))
    for variable in sorted(set(INVALID_FOUND.findall(page.html))):
        found.append(Finding("unknown variable", name, variable, f"{url}: {variable}"))
    if page.queries > QUERY_BUDGET:
        message = f"{page.queries} queries: {url}"
        found.append(Finding("queries", name, "", message))
    text = INVALID_FOUND.sub("", page.text)
    for msgid in untranslated(text, catalogue, ENDONYMS):
        found.append(Finding("english", name, msgid, f"{url}: {msgid!r}"))
    if page.status and not page.error:
        for fault in policy_faults(page.policy):
            found.append(Finding("policy", name, fault, f"{url}: {fault}"))
    for code in inline_code(page.html):
        found.append(Finding("inline code", name, code, f"{url}: {code}"))
    return found


def _check(walks, role_id: str, rule: str) -> None:
    """The walk of the role breaks the rule nowhere, known defects aside."""
    walk, findings = walks(role_id)
    assert not walk.truncated, f"{role_id}: the walk reached {MAX_PAGES} pages"
    lines = [f.message for f in findings if f.rule == rule and not f.known()]
    assert not lines, "\n  ".join([f"{role_id}, {rule}:", *lines])


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_every_page_opens_without_a_server_error(walks, role_id):
    _check(walks, role_id, "server error")


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_every_link_leads_to_a_page_the_person_may_open(walks, role_id):
    _check(walks, role_id, "broken link")


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_no_template_shows_an_unknown_variable(walks, role_id):
    _check(walks, role_id, "unknown variable")


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_no_page_runs_more_queries_than_the_budget(walks, role_id):
    _check(walks, role_id, "queries")


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_vietnamese_pages_show_no_english_catalogue_text(walks, role_id):
    _check(walks, role_id, "english")


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_every_page_carries_a_strict_content_security_policy(walks, role_id):
    _check(walks, role_id, "policy")


@pytest.mark.parametrize("role_id", ROLE_IDS)
def test_no_page_writes_script_or_style_into_its_html(walks, role_id):
    _check(walks, role_id, "inline code")


RULES = (
    "server error",
    "broken link",
    "unknown variable",
    "queries",
    "english",
    "policy",
    "inline code",
)


@pytest.mark.parametrize("rule", RULES)
def test_public_pages_keep_every_rule_without_signing_in(public_walk, rule):
    walk, findings = public_walk
    assert not walk.truncated
    lines = [f.message for f in findings if f.rule == rule and not f.known()]
    assert not lines, "\n  ".join([f"anonymous, {rule}:", *lines])


def test_the_public_walk_reaches_every_public_page_and_no_login(public_walk):
    walk, _findings = public_walk
    reached = {page.url_name for page in walk.pages}
    assert {"open:campaign_list", PUBLIC_CAMPAIGN, PUBLIC_DOWNLOAD} <= reached
    downloads = [p for p in walk.pages if p.url_name == PUBLIC_DOWNLOAD]
    assert {p.url.rsplit(".", 1)[1] for p in downloads} == {"csv", "xlsx", "json"}
    assert all(p.status == 200 for p in walk.pages), [
        (p.url, p.status) for p in walk.pages if p.status != 200
    ]


def _expected_failure(reason: str):
    return pytest.mark.xfail(strict=True, reason=reason)


@pytest.mark.parametrize(
    "defect",
    [
        pytest.param(d, id=f"{d[0]}:{d[1]}", marks=_expected_failure(d[3]))
        for d in KNOWN_DEFECTS
    ],
)
def test_known_defect_is_still_there(walks, defect):
    """Fails (as expected) while the defect shows in some walk."""
    rule, url_name, detail, why = defect
    seen = [
        f.message
        for role_id in ROLE_IDS
        for f in walks(role_id)[1]
        if (f.rule, f.url_name) == (rule, url_name) and detail in ("", f.detail)
    ]
    assert not seen, f"{why}:\n  " + "\n  ".join(seen)


def test_the_walks_cover_the_demo(walks):
    """The walks reach the pages that matter, and units in every state."""
    states = set(
        Assessment.objects.filter(campaign__year=OPEN_YEAR).values_list(
            "state", flat=True
        )
    )
    assert states <= {state for _type, _role, state in UNIT_ROLES}
    reached = {
        role_id: {page.url_name for page in walks(role_id)[0].pages}
        for role_id in ("coordinator", "reviewer", "committee", "commune-editor-draft")
    }
    assert {
        "survey:campaign_board",
        "survey:verify",
        "reports:dashboard",
        "survey:audit_search",
        "reports:scorecard_xlsx",
        "survey:two_factor_requirement",
        PUBLIC_CAMPAIGN,
        "survey:campaign_feeds",
        "survey:feed_import",
        "survey:feed_sources",
        "survey:feed_source_new",
        "survey:feed_source_edit",
        "survey:account_api_tokens",
    } <= reached["coordinator"]
    assert all("survey:two_factor_setup" in names for names in reached.values())
    assert all(names >= OFFLINE_NAMES for names in reached.values())
    assert all("survey:api_tokens" in names for names in reached.values())
    assert {"survey:verify", "survey:threads"} <= reached["reviewer"]
    assert {"reports:dashboard", "reports:scorecard"} <= reached["committee"]
    assert {
        "survey:questionnaire_step",
        "survey:assessment_review",
        "reports:self_report_docx",
    } <= reached["commune-editor-draft"]


def test_the_walks_reach_the_planner_only_for_those_who_plan(walks):
    """The planner and its files hang off the scorecard for a unit's editor and
    the coordinator; the committee and the reviewers never meet a link to them."""
    planner = {"reports:planner", "reports:plan_xlsx", "reports:plan_docx"}
    for role_id in ("coordinator", "commune-editor-draft"):
        assert planner <= {page.url_name for page in walks(role_id)[0].pages}
    for role_id in ("committee", "reviewer"):
        assert not planner & {page.url_name for page in walks(role_id)[0].pages}


def test_the_national_coordinator_reaches_the_national_pages(walks):
    reached = {page.url_name for page in walks("national")[0].pages}
    assert reached >= NATIONAL_PAGES
    # No province's units: neither questionnaires nor verification nor results.
    assert not {name for name in reached if "assessment" in name or "verify" in name}


def _second_province_pages(walks, *, accounts: bool):
    """(role, page, resolved URL) of the second province's signed-in walks: the
    account pages, or every other page."""
    for role_id in SECOND_PROVINCE_WALKS:
        for page in walks(role_id)[0].pages:
            if page.url_name.startswith("open:") or page.status != 200:
                continue
            if page.url_name.startswith(ACCOUNT_PAGES) == accounts:
                yield role_id, page, resolve(urlsplit(page.url).path)


def _their_province(walks, *, accounts: bool) -> list[str]:
    """The pages of the second province's walks that show the first province:
    an assessment, campaign or account of it, or a unit's name only it has."""
    second = Province.objects.get(code=SECOND_PROVINCE)
    theirs = {
        "assessments/": set(
            Assessment.unscoped.filter(campaign__province=second).values_list(
                "pk", flat=True
            )
        ),
        "campaigns/": set(
            Campaign.unscoped.filter(province=second).values_list("pk", flat=True)
        ),
        "accounts/": set(
            Membership.unscoped.filter(province=second).values_list("user", flat=True)
        ),
    }
    wrong = []
    for role_id, page, match in _second_province_pages(walks, accounts=accounts):
        for segment, pks in theirs.items():
            if f"{segment}<int:pk>" in match.route and match.kwargs["pk"] not in pks:
                wrong.append(f"{role_id}: {page.url}")
        if match.kwargs.get("assessment_pk", 0) not in (0, *theirs["assessments/"]):
            wrong.append(f"{role_id}: {page.url}")
        if FIRST_PROVINCE_ONLY in page.text:
            wrong.append(f"{role_id}: {page.url} names {FIRST_PROVINCE_ONLY}")
    return wrong


def test_the_second_provinces_people_see_only_their_province(walks):
    """Every assessment and campaign page of their walks is their province's,
    no signed-in page names a unit of the first province, and the header names
    their province (the installation holds two)."""
    for role_id in SECOND_PROVINCE_WALKS:
        pages = walks(role_id)[0].pages
        reached = {page.url_name for page in pages}
        if role_id.endswith("coordinator"):
            assert {"survey:campaign_board", "reports:dashboard"} <= reached
        else:
            assert "survey:questionnaire_step" in reached
        home = next(page for page in pages if page.url_name == "survey:home")
        assert 'class="province">tỉnh Sơn Hà<' in home.html
    assert _their_province(walks, accounts=False) == []


def test_the_second_provinces_coordinator_sees_only_their_province_s_people(walks):
    assert _their_province(walks, accounts=True) == []
