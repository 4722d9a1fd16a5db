from django.urls import path

from .views import projects

STAFF = "staff/<slug:practice_slug>/experience/"

urlpatterns = [
    path(STAFF + "projects/", projects.project_list, name="projects"),
    path(STAFF + "projects/new/", projects.project_new, name="project_new"),
    path(STAFF + "projects/<int:pk>/", projects.project_detail, name="project"),
    path(STAFF + "projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
]
