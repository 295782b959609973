"""URLs of verification: review lists, verdicts, returns, comment threads."""

from django.urls import path

from survey.views import review, verify

urlpatterns = [
    path("reviews/", review.review_list, name="review_list"),
    path("assessments/<int:pk>/verify/", verify.verify, name="verify"),
    path(
        "assessments/<int:pk>/verify/<int:node_pk>/",
        verify.verdict,
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
]
