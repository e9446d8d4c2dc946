"""The routes of the always-open coffee rooms (included by riposte/coffee/urls.py, app "coffee")."""

from django.urls import URLPattern, path

from riposte.coffee import room_views

urlpatterns: list[URLPattern] = [
    path("rooms/", room_views.room_list, name="rooms"),
    path("rooms/<slug:slug>/", room_views.room_detail, name="room"),
]
