from typing import Any

from django.urls import path

from riposte.workshops import board_urls, report_urls, roadmap_urls, views

app_name = "workshops"

# The workshop, its structure and who takes part (views.py) come first; the board, the roadmap
# and the report have their own files.
urlpatterns: list[Any] = [
    path("", views.workshop_list, name="list"),
    path("new/", views.workshop_new, name="new"),
    path("<int:pk>/", views.workshop_detail, name="detail"),
    path("<int:pk>/edit/", views.workshop_edit, name="edit"),
    path("<int:pk>/status/", views.workshop_status, name="status"),
    path("<int:pk>/structure/", views.structure, name="structure"),
    path("<int:pk>/axes/", views.axis_add, name="axis-add"),
    path("axes/<int:pk>/rename/", views.axis_rename, name="axis-rename"),
    path("axes/<int:pk>/move/", views.axis_move, name="axis-move"),
    path("axes/<int:pk>/delete/", views.axis_delete, name="axis-delete"),
    path("axes/<int:pk>/steps/", views.step_add, name="step-add"),
    path("steps/<int:pk>/rename/", views.step_rename, name="step-rename"),
    path("steps/<int:pk>/move/", views.step_move, name="step-move"),
    path("steps/<int:pk>/delete/", views.step_delete, name="step-delete"),
    path("<int:pk>/participants/", views.participants, name="participants"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/guests/", views.guest_invite, name="guest-invite"),
    path("guests/<int:pk>/renew/", views.guest_renew, name="guest-renew"),
    path("guest/<str:key>/", views.guest_entry, name="guest"),
]
urlpatterns += board_urls.urlpatterns
urlpatterns += roadmap_urls.urlpatterns
urlpatterns += report_urls.urlpatterns
