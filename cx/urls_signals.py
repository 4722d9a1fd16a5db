"""The experience toolkit's signals pages (see docs/cx.md)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
