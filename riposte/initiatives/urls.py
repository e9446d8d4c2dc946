from django.urls import path, re_path

from riposte.initiatives import views

app_name = "initiatives"
urlpatterns = [
    path("", views.initiative_list, name="list"),
    path("new/", views.initiative_new, name="new"),
    path("autosave/", views.initiative_autosave, name="autosave"),
    path("similar/", views.similar_fragment, name="similar"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("map/", views.initiatives_map, name="map"),
    re_path(r"^export\.(?P<fmt>csv|ods)$", views.initiatives_export, name="export"),
    path("triage/", views.triage, name="triage"),
    path("help/<int:pk>/assign/", views.help_assign, name="help-assign"),
    path("help/<int:pk>/close/", views.help_close, name="help-close"),
    path("<int:pk>/", views.initiative_detail, name="detail"),
    path("<int:pk>/edit/", views.initiative_edit, name="edit"),
    path("<int:pk>/support/", views.initiative_support, name="support"),
    path("<int:pk>/follow/", views.initiative_follow, name="follow"),
    path("<int:pk>/move/", views.initiative_move, name="move"),
    path("<int:pk>/contribute/", views.initiative_contribute, name="contribute"),
    path("<int:pk>/help/", views.initiative_ask_help, name="ask-help"),
    path("<int:pk>/comment/", views.initiative_comment, name="comment"),
    path("<int:pk>/merge/", views.initiative_merge, name="merge"),
]
