"""Rows of the API access table for the norms module (see tests/norms/access.py).

Reading the register needs a login (session or token); voting is POST-only, and who may vote,
with every refusal, is in tests/norms/test_api.py.
"""

from __future__ import annotations

# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
API_ROUTES: dict[str, tuple[str, int, int]] = {
    "norm_list": ("/api/norms", 200, 401),
    "norm_detail": ("/api/norms/999999", 404, 401),
    "norm_vote": ("/api/norms/1/votes", 405, 405),
}
