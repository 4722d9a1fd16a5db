"""The experience toolkit's culture pages (see docs/cx.md)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
