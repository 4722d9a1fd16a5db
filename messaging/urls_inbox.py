"""The front-desk inbox, running-late notices, recall, reactivation and a patient's message history."""

from django.urls import path

from .views import inbox as views

S = "staff/<slug:practice_slug>/"
M = S + "messages/"

urlpatterns = [
    path(M + "inbox/", views.inbox, name="inbox"),
    path(M + "inbox/<int:pk>/", views.conversation_detail, name="inbox_conversation"),
    path(M + "inbox/<int:pk>/reply/", views.conversation_reply, name="inbox_reply"),
    path(M + "inbox/<int:pk>/status/", views.conversation_status, name="inbox_status"),
    path(M + "inbox/<int:pk>/link/", views.conversation_link, name="inbox_link"),
    path(M + "running-late/", views.running_late, name="running_late"),
    path(M + "recall/", views.recall_list, name="recall_list"),
    path(M + "recall/patients/<int:patient_id>/", views.recall_edit, name="recall_edit"),
    path(M + "reactivation/", views.reactivation, name="reactivation"),
    path(M + "reactivation/<int:patient_id>/send/", views.reactivation_send, name="reactivation_send"),
    path(S + "patients/<int:patient_id>/messages/", views.patient_history, name="patient_history"),
]
