"""Front-desk URLs, one list per area: the patient's visit link and the kiosk / QR arrival pages,
and the staff flow board with its set-up pages."""

from . import urls_board, urls_patient

app_name = "frontdesk"

urlpatterns = [*urls_patient.urlpatterns, *urls_board.urlpatterns]
