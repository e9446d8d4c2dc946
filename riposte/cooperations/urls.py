from django.urls import path

app_name = "cooperations"
urlpatterns: list = [
    # -- actors, emergencies and cooperations (views.py)
    # -- the graph and the map (graph_views.py)
    # -- debriefs (debrief_views.py)
    # -- the practical guide (guide_views.py)
]
