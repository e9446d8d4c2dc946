"""The routes of consultations, votes, decisions and the calendar (included by urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
