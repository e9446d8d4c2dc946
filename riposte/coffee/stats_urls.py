"""The coffee machine's statistics page, mounted by riposte/coffee/urls.py (app "coffee")."""

from django.urls import path

from riposte.coffee import stats_views

urlpatterns = [
    path("stats/", stats_views.coffee_stats, name="stats"),
]
