from django.urls import path

from survey.views import frameworks, home

app_name = "survey"
urlpatterns = [
    path("", home.home, name="home"),
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/import/", frameworks.framework_upload, name="framework_import"),
]
