"""The survey app's URLs, one module per area."""

from survey.urls import accounts, campaigns, questionnaire, verification

app_name = "survey"

urlpatterns = [
    *accounts.urlpatterns,
    *questionnaire.urlpatterns,
    *verification.urlpatterns,
    *campaigns.urlpatterns,
]
