"""Feedback URLs, one list per area: surveys (the patient's survey link and the staff editor),
scores, and listening (responses and comments, service recovery, review sites)."""

from . import urls_listening, urls_scores, urls_survey

app_name = "feedback"

urlpatterns = [*urls_survey.urlpatterns, *urls_scores.urlpatterns, *urls_listening.urlpatterns]
