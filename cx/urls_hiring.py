"""Hiring through the experience lens (kits, candidates, scores) and a staff member's experience record
(see docs/cx.md, "Hiring and the staff experience record")."""

from django.urls import path

from .views import hiring as views
from .views import staff_record

X = "staff/<slug:practice_slug>/experience/"

urlpatterns = [
    path(X + "hiring/", views.hiring, name="hiring"),
    path(X + "hiring/kits/<int:pk>/", views.hiring_kit, name="hiring_kit"),
    path(X + "hiring/kits/<int:pk>/edit/", views.hiring_kit_edit, name="hiring_kit_edit"),
    path(X + "hiring/kits/<int:pk>/questions/add/", views.hiring_question_add, name="hiring_question_add"),
    path(X + "hiring/candidates/new/", views.candidate_new, name="candidate_new"),
    path(X + "hiring/candidates/<int:pk>/", views.candidate, name="candidate"),
    path(X + "hiring/candidates/<int:pk>/decide/", views.candidate_decide, name="candidate_decide"),
    path(X + "team/<int:pk>/record/", staff_record.staff_record, name="staff_record"),
]
