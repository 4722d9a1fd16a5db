"""The experience toolkit's root-cause analysis pages (see docs/cx.md, "Root-cause analysis")."""

from django.urls import path

from .views import rca

STAFF = "staff/<slug:practice_slug>/experience/"

urlpatterns = [
    path(STAFF + "rca/", rca.rca_list, name="rcas"),
    path(STAFF + "rca/new/", rca.rca_new, name="rca_new"),
    path(STAFF + "rca/<int:pk>/", rca.rca_detail, name="rca"),
    path(STAFF + "rca/<int:pk>/edit/", rca.rca_edit, name="rca_edit"),
    path(STAFF + "rca/<int:pk>/timeline/", rca.rca_timeline_add, name="rca_timeline_add"),
    path(STAFF + "rca/<int:pk>/causes/", rca.rca_cause_add, name="rca_cause_add"),
    path(STAFF + "rca/<int:pk>/actions/", rca.rca_action_add, name="rca_action_add"),
    path(STAFF + "rca/actions/<int:pk>/done/", rca.rca_action_done, name="rca_action_done"),
]
