"""The experience toolkit's strategy pages (see docs/cx.md)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
