"""Actions: each person's list, everyone's for the owner and experience lead, and their changes."""

from django.urls import path

from .views import actions as views

X = "staff/<slug:practice_slug>/experience/"

urlpatterns = [
    path(X + "actions/", views.action_list, name="actions"),
    path(X + "actions/add/", views.action_create, name="action_create"),
    path(X + "actions/<int:pk>/done/", views.action_done, name="action_done"),
    path(X + "actions/<int:pk>/reopen/", views.action_reopen, name="action_reopen"),
    path(X + "actions/<int:pk>/drop/", views.action_drop, name="action_drop"),
]
