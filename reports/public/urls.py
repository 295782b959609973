"""URLs of the public results (no login).

With several provinces, ``<province_code>/<code>/`` is a campaign's address
(campaign codes are unique within a province only); ``<code>/`` keeps working
when a single province has published a campaign of that code, and otherwise
lets the visitor choose the province.
"""

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
    path(
        "<slug:province_code>/<slug:code>/",
        views.province_campaign,
        name="province_campaign",
    ),
    re_path(
        r"^(?P<province_code>[-\w]+)/(?P<code>[-\w]+)/ket-qua\.(?P<fmt>csv|xlsx|json)$",
        views.province_download,
        name="province_download",
    ),
]
