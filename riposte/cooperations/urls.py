from django.urls import path

from riposte.cooperations import actor_views, debrief_views, graph_views, guide_views, views

app_name = "cooperations"
urlpatterns: list = [
    # -- actors, emergencies and cooperations (views.py)
    path("", views.cooperation_list, name="list"),
    path("new/", views.cooperation_new, name="new"),
    path("<int:pk>/", views.cooperation_detail, name="detail"),
    path("<int:pk>/edit/", views.cooperation_edit, name="edit"),
    path("<int:pk>/confirm/", views.cooperation_confirm, name="confirm"),
    path("<int:pk>/decline/", views.cooperation_decline, name="decline"),
    path("<int:pk>/delete/", views.cooperation_delete, name="delete"),
    path("<int:pk>/comment/", views.cooperation_comment, name="comment"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_new, name="event-new"),
    path("events/<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("queue/", views.queue, name="queue"),
    path("queue/suggest/", views.suggest_now, name="suggest"),
    path("actors/", actor_views.actor_list, name="actors"),
    path("actors/new/", actor_views.actor_new, name="actor-new"),
    path("actors/duplicates/", actor_views.actor_duplicates, name="actor-duplicates"),
    path("actors/<int:pk>/", actor_views.actor_detail, name="actor"),
    path("actors/<int:pk>/edit/", actor_views.actor_edit, name="actor-edit"),
    path("actors/<int:pk>/validate/", actor_views.actor_validate, name="actor-validate"),
    path("actors/<int:pk>/merge/", actor_views.actor_merge, name="actor-merge"),
    path("actors/<int:pk>/distinct/", actor_views.actor_distinct, name="actor-distinct"),
    # -- the graph and the map (graph_views.py)
    path("graph/", graph_views.graph_page, name="graph"),
    path("map/", graph_views.actors_map, name="map"),
    path("graph.gexf", graph_views.graph_export, {"fmt": "gexf"}, name="graph-gexf"),
    path("graph.graphml", graph_views.graph_export, {"fmt": "graphml"}, name="graph-graphml"),
    path("graph-nodes.csv", graph_views.graph_nodes_csv, name="graph-nodes-csv"),
    path("graph-edges.csv", graph_views.graph_edges_csv, name="graph-edges-csv"),
    # -- debriefs (debrief_views.py)
    path("debriefs/", debrief_views.debrief_list, name="debrief-list"),
    path("<int:pk>/debrief/", debrief_views.debrief_detail, name="debrief"),
    path("<int:pk>/debrief/open/", debrief_views.debrief_open, name="debrief-open"),
    path("<int:pk>/debrief/invite/", debrief_views.debrief_invite, name="debrief-invite"),
    path(
        "<int:pk>/debrief/contribute/",
        debrief_views.debrief_contribute,
        name="debrief-contribute",
    ),
    path("<int:pk>/debrief/edit/", debrief_views.debrief_edit, name="debrief-edit"),
    path("<int:pk>/debrief/status/", debrief_views.debrief_status, name="debrief-status"),
    path("<int:pk>/debrief/remark/", debrief_views.debrief_remark, name="debrief-remark"),
    path(
        "<int:pk>/debrief/revisions/<int:number>/",
        debrief_views.debrief_revision,
        name="debrief-revision",
    ),
    # -- the practical guide (guide_views.py)
    path("guide/", guide_views.guide_home, name="guide"),
    path("guide/compile/", guide_views.guide_compile, name="guide-compile"),
    path("guide/draft/", guide_views.guide_draft, name="guide-draft"),
    path("guide/draft.pdf", guide_views.guide_draft_pdf, name="guide-draft-pdf"),
    path("guide/draft/update/", guide_views.guide_draft_update, name="guide-draft-update"),
    path("guide/draft/publish/", guide_views.guide_publish, name="guide-publish"),
    path("guide/draft/discard/", guide_views.guide_discard, name="guide-discard"),
    path("guide/draft/chapters/<int:pk>/", guide_views.guide_chapter_edit, name="guide-chapter"),
    path("guide/draft/entries/<int:pk>/", guide_views.guide_entry_edit, name="guide-entry"),
    path("guide/<int:number>/", guide_views.guide_edition, name="guide-edition"),
    path(
        "guide/<int:number>/emergencies/",
        guide_views.guide_edition_events,
        name="guide-edition-events",
    ),
    path("guide/<int:number>.pdf", guide_views.guide_edition_pdf, name="guide-pdf"),
    path("guide/<int:number>/changes/", guide_views.guide_changes, name="guide-changes"),
]
