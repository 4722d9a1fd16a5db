"""Empathy maps, their ideas, and the practice's patient groups."""

from django.urls import path

from .views import maps as views

X = "staff/<slug:practice_slug>/experience/"

urlpatterns = [
    path(X + "maps/", views.map_list, name="maps"),
    path(X + "maps/new/", views.map_new, name="map_new"),
    path(X + "maps/<int:pk>/", views.map_detail, name="map"),
    path(X + "maps/<int:pk>/edit/", views.map_edit, name="map_edit"),
    path(X + "maps/<int:pk>/delete/", views.map_delete, name="map_delete"),
    path(X + "maps/<int:pk>/ideas/", views.idea_add, name="idea_add"),
    path(X + "ideas/<int:pk>/edit/", views.idea_edit, name="idea_edit"),
    path(X + "ideas/<int:pk>/choose/", views.idea_choose, name="idea_choose"),
    path(X + "ideas/<int:pk>/drop/", views.idea_drop, name="idea_drop"),
    path(X + "ideas/<int:pk>/reconsider/", views.idea_reconsider, name="idea_reconsider"),
    path(X + "ideas/<int:pk>/action/", views.idea_action, name="idea_action"),
    path(X + "patient-groups/", views.group_list, name="groups"),
    path(X + "patient-groups/<int:pk>/", views.group_edit, name="group_edit"),
    path(X + "patient-groups/<int:pk>/delete/", views.group_delete, name="group_delete"),
]
