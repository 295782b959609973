"""Accounts: bulk creation, password reset by mail, deactivation, login throttling,
reviewer assignment."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from worlds import PASSWORD, VERIFICATION, build_world

from survey.errors import PermissionRefused
from survey.models import AuditEvent, Membership, User
from survey.services.accounts import (
    AccountsInvalid,
    account_set_active,
    read_accounts_file,
    reviewer_assign,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher", "english")]
HEADER = ["username", "full_name", "email", "unit_code", "role"]


@pytest.fixture
def world():
    return build_world(shape=VERIFICATION)


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [
    ["stc-cv2", "Nguyễn Văn An", "an@stc.gov.vn", "S-TC", "editor"],
    ["syt-ld2", "Trần Thị Bình", "binh@syt.gov.vn", "S-YT", "lãnh đạo"],
    ["bcd2", "Lê Văn Cường", "cuong@ubnd.gov.vn", "", "committee"],
]


def test_accounts_in_bulk_get_a_mail_to_choose_their_password(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.coordinator)
    upload = SimpleUploadedFile("tai-khoan.xlsx", xlsx(ROWS))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("survey:account_import"), {"file": upload})
    assert response.status_code == 302
    an = User.objects.get(username="stc-cv2")
    assert (an.full_name, an.email) == ("Nguyễn Văn An", "an@stc.gov.vn")
    assert Membership.objects.get(user=an).role == "editor"
    assert Membership.objects.get(user__username="syt-ld2").role == "approver"
    assert Membership.objects.get(user__username="bcd2").unit is None
    assert sorted(m.to[0] for m in mailoutbox) == [
        "an@stc.gov.vn",
        "binh@syt.gov.vn",
        "cuong@ubnd.gov.vn",
    ]
    link = re.search(r"/password-reset/[^/\s]+/[^/\s]+/", mailoutbox[0].body).group(0)
    client.logout()
    response = client.get(link, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Mat-khau-moi-2025!", "new_password2": "Mat-khau-moi-2025!"},
    )
    assert response.url == reverse("survey:password_reset_complete")
    owner = User.objects.get(email=mailoutbox[0].to[0])
    assert owner.check_password("Mat-khau-moi-2025!")
    assert AuditEvent.objects.filter(action="account").count() == 3


def test_a_file_with_a_bad_row_creates_nothing(client, world):
    rows = [
        *ROWS,
        ["stc-cv", "Trùng", "x@y.vn", "S-TC", "editor"],
        ["moi", "Không đơn vị", "not-an-email", "S-KHONG", "editor"],
        ["moi2", "Vai trò lạ", "a@b.vn", "S-TC", "boss"],
    ]
    with pytest.raises(AccountsInvalid) as caught:
        read_accounts_file(xlsx(rows), filename="a.xlsx")
    rows_in_error = sorted({problem.row for problem in caught.value.errors})
    assert rows_in_error == [5, 6, 7]
    client.force_login(world.coordinator)
    upload = SimpleUploadedFile("a.xlsx", xlsx(rows))
    response = client.post(reverse("survey:account_import"), {"file": upload})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not User.objects.filter(username="stc-cv2").exists()


def test_csv_files_too(world):
    content = ("\n".join(",".join(r) for r in [HEADER, ROWS[0]])).encode()
    assert [r.username for r in read_accounts_file(content, filename="a.csv")] == [
        "stc-cv2"
    ]


def test_only_the_coordinator_manages_accounts(client, world):
    for user in (world.reviewer, world.approver, world.committee):
        client.force_login(user)
        assert client.get(reverse("survey:account_list")).status_code == 403
        assert client.get(reverse("survey:account_import")).status_code == 403
    with pytest.raises(PermissionRefused):
        account_set_active(account=world.editor, active=False, user=world.reviewer)


def test_a_deactivated_account_cannot_log_in_and_its_session_ends(client, world):
    client.force_login(world.editor)
    assert client.get(reverse("survey:home")).status_code == 200
    coordinator = client.__class__()
    coordinator.force_login(world.coordinator)
    response = coordinator.post(
        reverse("survey:account_active", args=[world.editor.pk]), {"active": "0"}
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=world.editor.pk).is_active
    assert client.get(reverse("survey:home")).status_code == 302
    response = client.post(
        reverse("login"), {"username": "stc-cv", "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, not a redirect
    event = AuditEvent.objects.get(action="account")
    assert event.after == {"is_active": False}


def test_one_cannot_deactivate_oneself(client, world):
    client.force_login(world.coordinator)
    client.post(
        reverse("survey:account_active", args=[world.coordinator.pk]), {"active": "0"}
    )
    assert User.objects.get(pk=world.coordinator.pk).is_active


def test_the_account_list_searches(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("survey:account_list"), {"q": "S-YT"})
    names = [u.username for u in response.context["page"]]
    assert names == ["syt-cv", "syt-ld", "thamdinh-yt"]


def test_password_reset_pages(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    response = client.get(reverse("survey:password_reset"))
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("survey:password_reset"), {"email": "stc-ld@example.gov.vn"}
        )
    assert response.url == reverse("survey:password_reset_done")
    assert len(mailoutbox) == 1
    assert "/password-reset/" in mailoutbox[0].body
    client.post(reverse("survey:password_reset"), {"email": "nobody@example.gov.vn"})
    assert len(mailoutbox) == 1  # and the page says the same
    response = client.get("/password-reset/MQ/bad-token/", follow=True)
    assert not response.context["validlink"]


# Login throttling (django-axes) -----------------------------------------------------


def login(client, password):
    return client.post(reverse("login"), {"username": "stc-cv", "password": password})


def test_five_wrong_passwords_lock_the_account_for_a_while(client, world, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert login(client, "sai").status_code == 200
    response = login(client, "sai")
    assert response.status_code == 429
    response = login(client, PASSWORD)
    assert response.status_code == 429  # even the right password, for now
    assert "Too many failed logins" in response.content.decode()


def test_a_successful_login_clears_the_failures(client, world):
    for _ in range(4):
        login(client, "sai")
    assert login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "sai").status_code == 200


def test_failures_on_one_account_do_not_lock_another(client, world):
    for _ in range(5):
        login(client, "sai")
    response = client.post(
        reverse("login"), {"username": "stc-ld", "password": PASSWORD}
    )
    assert response.status_code == 302


# Reviewer assignment ------------------------------------------------------------------


def test_assigning_a_reviewer_to_units_and_indicators(client, world):
    client.force_login(world.coordinator)
    url = reverse("survey:reviewer_assign", args=[world.campaign.pk])
    response = client.post(
        url,
        {
            "reviewer": world.police.pk,
            "units": [world.unit.pk, world.other_unit.pk],
            "indicators": [world.nodes["2.1"].pk],
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=world.police, unit=world.other_unit)
    assert [n.code for n in membership.indicators.all()] == ["2.1"]
    membership = Membership.objects.get(user=world.police, unit=world.unit)
    assert [n.code for n in membership.indicators.all()] == ["2.1"]
    response = client.get(reverse("survey:campaign_board", args=[world.campaign.pk]))
    row = next(
        r for r in response.context["rows"] if r.assessment.unit == world.other_unit
    )
    assert ("congan", ["2.1"]) in [(u.username, c) for u, c, _pk in row.reviewers]
    client.post(
        reverse("survey:reviewer_remove", args=[world.campaign.pk, membership.pk])
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_assigning_needs_a_unit_and_the_coordinator(world):
    from survey.errors import SurveyError

    with pytest.raises(SurveyError):
        reviewer_assign(
            reviewer=world.police, units=[], indicators=[], user=world.coordinator
        )
    with pytest.raises(PermissionRefused):
        reviewer_assign(
            reviewer=world.police,
            units=[world.unit],
            indicators=[],
            user=world.reviewer,
        )
