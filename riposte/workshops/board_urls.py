"""Routes of the workshop's board (board_views.py); joined to urls.py under the "workshops" namespace."""

from django.urls import URLPattern, path

from riposte.workshops import board_views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/board/", board_views.board_page, name="board"),
    path("<int:pk>/board/fragment/", board_views.board_fragment, name="board-fragment"),
    path("<int:pk>/board/steps/<int:step_id>/", board_views.step_fragment, name="board-step"),
    path("<int:pk>/board/steps/<int:step_id>/notes/", board_views.note_post, name="note-post"),
    path(
        "<int:pk>/board/steps/<int:step_id>/groups/",
        board_views.cluster_create,
        name="cluster-create",
    ),
    path("<int:pk>/board/steps/<int:step_id>/lock/", board_views.step_lock, name="step-lock"),
    path("<int:pk>/board/steps/<int:step_id>/hide/", board_views.step_hide, name="step-hide"),
    path("<int:pk>/board/notes/<int:note_id>/", board_views.note_fragment, name="board-note"),
    path("<int:pk>/board/notes/<int:note_id>/edit/", board_views.note_edit, name="note-edit"),
    path("<int:pk>/board/notes/<int:note_id>/move/", board_views.note_move, name="note-move"),
    path(
        "<int:pk>/board/notes/<int:note_id>/move-to/",
        board_views.note_move_to,
        name="note-move-to",
    ),
    path("<int:pk>/board/notes/<int:note_id>/delete/", board_views.note_delete, name="note-delete"),
    path("<int:pk>/board/notes/<int:note_id>/dots/", board_views.note_vote, name="note-vote"),
    path(
        "<int:pk>/board/groups/<int:cluster_id>/rename/",
        board_views.cluster_rename,
        name="cluster-rename",
    ),
    path(
        "<int:pk>/board/groups/<int:cluster_id>/delete/",
        board_views.cluster_delete,
        name="cluster-delete",
    ),
    path("<int:pk>/board/focus/", board_views.board_focus, name="board-focus"),
    path("<int:pk>/board/timer/", board_views.board_timer, name="board-timer"),
    path("<int:pk>/board/status/", board_views.board_status, name="board-status"),
]
