"""The cooperations graph API: nodes and edges with the graph page's filters."""

from ninja import Router

router = Router(tags=["cooperations"])
