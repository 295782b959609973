from django.urls import path

from survey import urls_verification
from survey.views import evidence, frameworks, home, questionnaire
from survey.wizard import QuestionnaireWizard

app_name = "survey"
questionnaire_wizard = QuestionnaireWizard.as_view(url_name="survey:questionnaire_step")
urlpatterns = [
    path("", home.home, name="home"),
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/import/", frameworks.framework_upload, name="framework_import"),
    path("csrf-token/", questionnaire.csrf_token, name="csrf_token"),
    path("assessments/<int:pk>/fill/", questionnaire_wizard, name="questionnaire"),
    path(
        "assessments/<int:pk>/fill/<str:step>/",
        questionnaire_wizard,
        name="questionnaire_step",
    ),
    path(
        "assessments/<int:pk>/answers/",
        questionnaire.answers_autosave,
        name="answers_autosave",
    ),
    path(
        "assessments/<int:pk>/evidence/",
        evidence.evidence_add,
        name="evidence_add",
    ),
    path(
        "assessments/<int:pk>/evidence/carry/",
        evidence.evidence_carry,
        name="evidence_carry",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/delete/",
        evidence.evidence_remove,
        name="evidence_delete",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/confirm/",
        evidence.evidence_still_valid,
        name="evidence_confirm",
    ),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_pk>/file/",
        evidence.evidence_file,
        name="evidence_file",
    ),
    path(
        "assessments/<int:pk>/review/",
        questionnaire.review,
        name="assessment_review",
    ),
    path(
        "assessments/<int:pk>/action/",
        questionnaire.action,
        name="assessment_action",
    ),
]
urlpatterns += urls_verification.urlpatterns
