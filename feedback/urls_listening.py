"""Listening: survey responses and comments, service-recovery cases, review sites and settings (staff), and
the patient's page of review sites."""

from django.urls import path

from .views import listening as views

F = "staff/<slug:practice_slug>/feedback/"

urlpatterns = [
    path(F + "responses/", views.response_list, name="responses"),
    path(F + "comments/<int:pk>/", views.comment_correct, name="comment_correct"),
    path(F + "recovery/", views.case_list, name="recovery_cases"),
    path(F + "recovery/<int:pk>/", views.case_detail, name="recovery_case"),
    path(F + "recovery/<int:pk>/step/", views.case_step, name="recovery_case_step"),
    path(F + "recovery/<int:pk>/contact/", views.case_contact, name="recovery_case_contact"),
    path(F + "recovery/<int:pk>/notes/", views.case_notes, name="recovery_case_notes"),
    path(F + "recovery/<int:pk>/reassign/", views.case_reassign, name="recovery_case_reassign"),
    path(F + "recovery/<int:pk>/close/", views.case_close, name="recovery_case_close"),
    path(F + "recovery/<int:pk>/take/", views.case_take, name="recovery_case_take"),
    path(F + "recovery/<int:pk>/reopen/", views.case_reopen, name="recovery_case_reopen"),
    path(F + "review-sites/", views.review_sites, name="review_sites"),
    path(F + "review-sites/add/", views.review_site_save, name="review_site_add"),
    path(F + "review-sites/<int:pk>/", views.review_site_save, name="review_site_edit"),
    path(F + "review-sites/<int:pk>/offered/", views.review_site_active, name="review_site_active"),
    path(F + "review-sites/settings/", views.feedback_settings_save, name="review_settings"),
    path("p/<slug:practice_slug>/reviews/", views.reviews, name="reviews"),
]
