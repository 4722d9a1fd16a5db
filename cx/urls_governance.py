"""The experience toolkit's governance pages (see docs/cx.md)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
