"""URLs of the questionnaire: its steps, autosave, evidence, review and submission."""

from django.urls import path

from survey.views import autosave, evidence, offline, questionnaire
from survey.wizard import QuestionnaireWizard

questionnaire_wizard = QuestionnaireWizard.as_view(url_name="survey:questionnaire_step")

urlpatterns = [
    path("csrf-token/", autosave.csrf_token, name="csrf_token"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("offline/", offline.offline, name="offline"),
    path("assessments/<int:pk>/fill/", questionnaire_wizard, name="questionnaire"),
    path(
        "assessments/<int:pk>/fill/<str:step>/",
        questionnaire_wizard,
        name="questionnaire_step",
    ),
    path(
        "assessments/<int:pk>/answers/",
        autosave.answers_autosave,
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
