"""URLs of the home page, frameworks, accounts, password reset, two-factor sign-in
and the audit trail."""

from django.urls import path

from survey.views import accounts, api_tokens, audit, frameworks, home, two_factor

urlpatterns = [
    path("", home.home, name="home"),
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/import/", frameworks.framework_upload, name="framework_import"),
    path(
        "frameworks/<int:pk>/",
        frameworks.framework_version_detail,
        name="framework_version",
    ),
    path(
        "frameworks/<int:pk>/copy/",
        frameworks.framework_version_copy_view,
        name="framework_version_copy",
    ),
    path(
        "frameworks/<int:pk>/new-version/",
        frameworks.framework_version_new,
        name="framework_version_new",
    ),
    path("accounts/", accounts.account_list, name="account_list"),
    path("accounts/import/", accounts.account_import, name="account_import"),
    path(
        "accounts/<int:pk>/active/",
        accounts.account_active,
        name="account_active",
    ),
    path(
        "accounts/<int:pk>/api-tokens/",
        api_tokens.account_api_tokens,
        name="account_api_tokens",
    ),
    path("api-tokens/", api_tokens.my_api_tokens, name="api_tokens"),
    path(
        "api-tokens/<int:pk>/revoke/",
        api_tokens.api_token_revoke_view,
        name="api_token_revoke",
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
    path("audit/", audit.audit_search_view, name="audit_search"),
    path("two-factor/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("two-factor/off/", two_factor.two_factor_off, name="two_factor_off"),
    path("two-factor/code/", two_factor.two_factor_code, name="two_factor_verify"),
    path(
        "accounts/two-factor/",
        two_factor.two_factor_requirement,
        name="two_factor_requirement",
    ),
]
