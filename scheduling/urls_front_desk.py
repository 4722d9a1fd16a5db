"""Front-desk booking: book, move and cancel for a patient, and the online booking-request queue."""

from django.urls import path

from .views import front_desk as views

S = "staff/<slug:practice_slug>/"

urlpatterns = [
    path(S + "patients/<int:patient_id>/appointments/", views.patient_appointments, name="fd_patient_appointments"),
    path(S + "patients/<int:patient_id>/book/", views.book, name="fd_book"),
    path(S + "appointments/<int:pk>/", views.appointment_detail, name="fd_appointment"),
    path(S + "appointments/<int:pk>/move/", views.appointment_move, name="fd_appointment_move"),
    path(S + "appointments/<int:pk>/cancel/", views.appointment_cancel, name="fd_appointment_cancel"),
    path(S + "booking-requests/", views.booking_requests, name="fd_booking_requests"),
    path(S + "booking-requests/<int:pk>/", views.booking_request_detail, name="fd_booking_request"),
    path(S + "booking-requests/<int:pk>/book/", views.booking_request_book, name="fd_booking_request_book"),
    path(
        S + "booking-requests/<int:pk>/new-patient/",
        views.booking_request_new_patient,
        name="fd_booking_request_new_patient",
    ),
    path(S + "booking-requests/<int:pk>/close/", views.booking_request_close, name="fd_booking_request_close"),
]
