"""Routes of the workshop's roadmap (roadmap_views.py); joined to urls.py under the "workshops" namespace."""

from django.urls import URLPattern, path

from riposte.workshops import roadmap_views

urlpatterns: list[URLPattern] = [
    path("roadmap/", roadmap_views.roadmap_all, name="roadmap-all"),
    path("<int:pk>/roadmap/", roadmap_views.roadmap, name="roadmap"),
    path("<int:pk>/roadmap/add/", roadmap_views.milestone_add, name="milestone-add"),
    path(
        "notes/<int:pk>/milestone/", roadmap_views.milestone_from_note, name="milestone-from-note"
    ),
    path("milestones/<int:pk>/", roadmap_views.milestone_detail, name="milestone"),
    path("milestones/<int:pk>/move/", roadmap_views.milestone_move, name="milestone-move"),
    path("milestones/<int:pk>/status/", roadmap_views.milestone_status, name="milestone-status"),
    path(
        "milestones/<int:pk>/initiative/",
        roadmap_views.milestone_to_initiative,
        name="milestone-to-initiative",
    ),
    path("milestones/<int:pk>/norm/", roadmap_views.milestone_to_norm, name="milestone-to-norm"),
    path(
        "milestones/<int:pk>/cooperation/",
        roadmap_views.milestone_to_cooperation,
        name="milestone-to-cooperation",
    ),
]
