"""Survey URLs: the patient's single-use survey link, and the staff survey editor."""

from django.urls import path

from .views import editor, survey

urlpatterns = [
    path("p/<slug:practice_slug>/s/<str:token>/", survey.survey, name="survey"),
    path("p/<slug:practice_slug>/s/<str:token>/answer/", survey.survey_answer, name="survey_answer"),
    path("p/<slug:practice_slug>/s/<str:token>/thanks/", survey.survey_thanks, name="survey_thanks"),
    path("staff/<slug:practice_slug>/feedback/surveys/", editor.survey_list, name="surveys"),
    path("staff/<slug:practice_slug>/feedback/surveys/sending/", editor.survey_sending, name="survey_sending"),
    path("staff/<slug:practice_slug>/feedback/surveys/copy/", editor.survey_copy, name="survey_copy"),
    path("staff/<slug:practice_slug>/feedback/surveys/<int:pk>/", editor.survey_edit, name="survey_edit"),
    path("staff/<slug:practice_slug>/feedback/surveys/<int:pk>/preview/", editor.survey_preview, name="survey_preview"),
]
