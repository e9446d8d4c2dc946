"""The routes of consultations, votes, decisions and the calendar (included by urls.py)."""

from django.urls import URLPattern, path

from riposte.norms import calendar_views, consultation_views

urlpatterns: list[URLPattern] = [
    path(
        "<int:pk>/consultations/new/",
        consultation_views.consultation_open,
        name="consultation-open",
    ),
    path("consultations/<int:pk>/vote/", consultation_views.vote, name="vote"),
    path(
        "ballots/<uuid:pk>/answer/",
        consultation_views.objection_answer,
        name="objection-answer",
    ),
    path("<int:pk>/decide/", consultation_views.decide, name="decide"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/<str:token>.ics", calendar_views.calendar_ics, name="calendar-ics"),
]
