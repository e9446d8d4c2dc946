"""The cooperations API: actors and cooperations. The graph has its own router (graph_api.py)."""

from ninja import Router

router = Router(tags=["cooperations"])
