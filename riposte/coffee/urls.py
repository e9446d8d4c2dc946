from django.urls import path

from riposte.coffee import room_urls, stats_urls, views

app_name = "coffee"

urlpatterns = [
    path("", views.home, name="home"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/exclusions/", views.exclusion_add, name="exclusion-add"),
    path(
        "preferences/exclusions/search/",
        views.exclusion_search,
        name="exclusion-search",
    ),
    path(
        "preferences/exclusions/<int:pk>/remove/",
        views.exclusion_remove,
        name="exclusion-remove",
    ),
    path("leave/", views.leave, name="leave"),
    path("groups/<int:pk>/", views.group, name="group"),
    path("groups/<int:pk>/move/", views.group_move, name="group-move"),
    path("groups/<int:pk>/answer/", views.group_answer, name="group-answer"),
    path("groups/<int:pk>/invite.ics", views.group_ics, name="group-ics"),
]
# The coffee rooms and the statistics keep their routes in files of their own.
urlpatterns += room_urls.urlpatterns + stats_urls.urlpatterns
