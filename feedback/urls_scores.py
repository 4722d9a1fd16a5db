"""Scores: NPS, the CG-CAHPS composites, each question and touch point (staff)."""

from django.urls import path

from .views import scores

urlpatterns = [
    path("staff/<slug:practice_slug>/feedback/scores/", scores.scores_page, name="scores"),
]
