"""Routes of the workshop's board (board_views.py); joined to urls.py under the "workshops" namespace."""

from typing import Any

urlpatterns: list[Any] = []
