from django.urls import path

from .views import measures as views

app_name = "insights"

urlpatterns = [
    path("staff/<slug:practice_slug>/measures/", views.measures_page, name="measures"),
    path("staff/<slug:practice_slug>/measures.csv", views.measures_csv, name="measures_csv"),
]
