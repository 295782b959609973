"""URLs of the public results (no login)."""

from django.urls import path, re_path

from reports.public import views

app_name = "open"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("<slug:code>/", views.campaign, name="campaign"),
    re_path(
        r"^(?P<code>[-\w]+)/ket-qua\.(?P<fmt>csv|xlsx|json)$",
        views.download,
        name="download",
    ),
]
