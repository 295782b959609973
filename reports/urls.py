from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("national/", views.national, name="national"),
    path("national/so-sanh-<int:year>.xlsx", views.national_xlsx, name="national_xlsx"),
    path("campaigns/<int:pk>/", views.dashboard, name="dashboard"),
    path(
        "campaigns/<int:pk>/charts/<slug:name>.svg",
        views.dashboard_chart,
        name="dashboard_chart",
    ),
    path("campaigns/<int:pk>/exports/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("assessments/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path(
        "assessments/<int:pk>/scorecard.xlsx",
        views.scorecard_xlsx,
        name="scorecard_xlsx",
    ),
    path(
        "assessments/<int:pk>/scorecard/what-if/",
        views.planner,
        name="planner",
    ),
    path("assessments/<int:pk>/what-if", views.what_if, name="what_if"),
    path("assessments/<int:pk>/plan.xlsx", views.plan_xlsx_download, name="plan_xlsx"),
    path("assessments/<int:pk>/plan.docx", views.plan_docx_download, name="plan_docx"),
    path("assessments/<int:pk>/self-report/", views.self_report, name="self_report"),
    path(
        "assessments/<int:pk>/self-report.docx",
        views.self_report_docx,
        name="self_report_docx",
    ),
]
