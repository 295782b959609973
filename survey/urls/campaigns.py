"""URLs of campaigns: list, creation, board, state changes, participation, supplied
values, file feeds and reviewer assignment."""

from django.urls import path

from survey.views import accounts, campaigns, feeds, supply

urlpatterns = [
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
    path(
        "campaigns/<int:pk>/reminders/",
        campaigns.campaign_reminders,
        name="campaign_reminders",
    ),
    path(
        "campaigns/<int:pk>/reminders/send/",
        campaigns.campaign_reminders_send,
        name="campaign_reminders_send",
    ),
    path("campaigns/<int:pk>/supply/", supply.supply, name="supply"),
    path("campaigns/<int:pk>/feeds/", feeds.campaign_feeds, name="campaign_feeds"),
    path(
        "campaigns/<int:pk>/feeds/<int:source_pk>/import/",
        feeds.feed_import,
        name="feed_import",
    ),
    path(
        "campaigns/<int:pk>/feeds/<int:source_pk>/import/confirm/",
        feeds.feed_import_confirm,
        name="feed_import_confirm",
    ),
    path("feeds/", feeds.feed_source_list, name="feed_sources"),
    path("feeds/new/", feeds.feed_source_edit, name="feed_source_new"),
    path("feeds/<int:source_pk>/", feeds.feed_source_edit, name="feed_source_edit"),
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
]
