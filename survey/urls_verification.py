"""URLs of verification, campaigns, accounts and the audit trail."""

from django.urls import path

from survey.views import accounts, audit, campaigns, review

urlpatterns: list = [
    # Verification
    path("reviews/", review.review_list, name="review_list"),
    path("assessments/<int:pk>/verify/", review.verify, name="verify"),
    path(
        "assessments/<int:pk>/verify/<int:node_pk>/",
        review.verdict,
        name="verdict",
    ),
    path(
        "assessments/<int:pk>/verify/return/",
        review.return_items,
        name="return_items",
    ),
    path(
        "assessments/<int:pk>/verify/agree-remaining/",
        review.agree_remaining,
        name="agree_remaining",
    ),
    path("assessments/<int:pk>/threads/", review.threads, name="threads"),
    path(
        "assessments/<int:pk>/threads/new/",
        review.comment_add,
        name="comment_new",
    ),
    path(
        "assessments/<int:pk>/threads/<int:node_pk>/",
        review.comment_add,
        name="comment_add",
    ),
    path("notifications/", review.notifications, name="notifications"),
    # Campaigns
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_board, name="campaign_board"),
    path(
        "campaigns/<int:pk>/action/",
        campaigns.campaign_action,
        name="campaign_action",
    ),
    path(
        "campaigns/<int:pk>/settings/",
        campaigns.campaign_settings,
        name="campaign_settings",
    ),
    path(
        "campaigns/<int:pk>/units/<int:assessment_pk>/",
        campaigns.participation,
        name="participation",
    ),
    path("campaigns/<int:pk>/supply/", campaigns.supply, name="supply"),
    path(
        "campaigns/<int:pk>/reviewers/",
        accounts.reviewer_assignment,
        name="reviewer_assign",
    ),
    path(
        "campaigns/<int:pk>/reviewers/<int:membership_pk>/remove/",
        accounts.reviewer_remove,
        name="reviewer_remove",
    ),
    # Accounts
    path("accounts/", accounts.account_list, name="account_list"),
    path("accounts/import/", accounts.account_import, name="account_import"),
    path(
        "accounts/<int:pk>/active/",
        accounts.account_active,
        name="account_active",
    ),
    path("password-reset/", accounts.password_reset, name="password_reset"),
    path(
        "password-reset/sent/",
        accounts.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        accounts.password_reset_complete,
        name="password_reset_complete",
    ),
    # Audit trail
    path("audit/", audit.audit_search_view, name="audit_search"),
]
