"""The experience toolkit's governance pages (see docs/cx.md, "Governance")."""

from django.urls import path

from .views import governance

STAFF = "staff/<slug:practice_slug>/experience/governance/"

urlpatterns = [
    path(STAFF, governance.committee, name="committee"),
    path(STAFF + "edit/", governance.committee_edit, name="committee_edit"),
    path(STAFF + "members/add/", governance.committee_member_add, name="committee_member_add"),
    path(STAFF + "members/<int:pk>/remove/", governance.committee_member_remove, name="committee_member_remove"),
    path(STAFF + "criteria/", governance.criteria, name="criteria"),
    path(STAFF + "changes/", governance.proposals, name="proposals"),
    path(STAFF + "changes/new/", governance.proposal_new, name="proposal_new"),
    path(STAFF + "changes/<int:pk>/", governance.proposal, name="proposal"),
    path(STAFF + "changes/<int:pk>/screen/", governance.proposal_screen, name="proposal_screen"),
    path(STAFF + "changes/<int:pk>/decide/", governance.proposal_decide, name="proposal_decide"),
    path(STAFF + "meetings/", governance.meetings, name="meetings"),
    path(STAFF + "meetings/new/", governance.meeting_new, name="meeting_new"),
    path(STAFF + "meetings/<int:pk>/", governance.meeting, name="meeting"),
    path(STAFF + "meetings/<int:pk>/minutes/", governance.meeting_minutes, name="meeting_minutes"),
    path(STAFF + "meetings/<int:pk>/decisions/", governance.meeting_decision_add, name="meeting_decision_add"),
]
