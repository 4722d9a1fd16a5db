from django.urls import path

from . import views

app_name = "patients"

urlpatterns = [
    path("staff/<slug:practice_slug>/patients/", views.patient_list, name="staff_list"),
    path("staff/<slug:practice_slug>/patients/new/", views.patient_create, name="staff_create"),
    path("staff/<slug:practice_slug>/patients/<int:pk>/", views.patient_detail, name="staff_detail"),
    path("staff/<slug:practice_slug>/patients/<int:pk>/edit/", views.patient_edit, name="staff_edit"),
    path("p/<slug:practice_slug>/sign-in/", views.sign_in, name="sign_in"),
    path("p/<slug:practice_slug>/sign-in/<str:token>/", views.sign_in_confirm, name="sign_in_confirm"),
    path("p/<slug:practice_slug>/portal/", views.portal, name="portal"),
    path("p/<slug:practice_slug>/portal/details/", views.portal_edit, name="portal_edit"),
    path("p/<slug:practice_slug>/sign-out/", views.sign_out, name="sign_out"),
]
