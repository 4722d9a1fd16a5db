"""The experience toolkit's rca pages (see docs/cx.md)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
