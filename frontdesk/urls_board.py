"""Staff URLs: the flow board (/staff/<practice>/flow/...) and its set-up pages."""

from django.urls import path

from .views import board, setup

_FLOW = "staff/<slug:practice_slug>/flow/"

urlpatterns = [
    path(_FLOW, board.board, name="board"),
    path(_FLOW + "rows/", board.board_rows, name="board_rows"),
    path(_FLOW + "appointments/<int:pk>/status/", board.board_change, name="board_change"),
    path(_FLOW + "providers/<int:provider_id>/late/", board.board_running_late, name="board_running_late"),
    path(_FLOW + "appointments/<int:pk>/check-in/", board.check_in_detail, name="check_in_detail"),
    path(_FLOW + "appointments/<int:pk>/card/<str:side>/", board.card_photo, name="card_photo"),
    path(_FLOW + "settings/", setup.flow_settings, name="flow_settings"),
    path(_FLOW + "questions/", setup.intake_questions, name="intake_questions"),
    path(_FLOW + "questions/<int:pk>/", setup.intake_question_edit, name="intake_question_edit"),
    path(_FLOW + "policies/", setup.policies, name="policies"),
    path(_FLOW + "policies/<int:pk>/", setup.policy_edit, name="policy_edit"),
    path(_FLOW + "arrival-qr/", setup.arrival_qr, name="arrival_qr"),
]
