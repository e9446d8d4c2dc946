"""Rows of the API access table for the coffee module (see tests/coffee/access.py).

Every route needs a login (session or token). GET /api/coffee/me answers 404 to whoever has not
joined, which no actor of the table has; who sees which groups of a round is in
tests/coffee/test_api.py.
"""

from __future__ import annotations

# Name in the "api" namespace -> (path, status for a logged-in caller, status for the outsider).
API_ROUTES: dict[str, tuple[str, int, int]] = {
    "coffee_me": ("/api/coffee/me", 404, 401),
    # The same path as coffee_me (ninja names each operation): the table GETs it.
    "coffee_me_put": ("/api/coffee/me", 404, 401),
    "coffee_rounds": ("/api/coffee/rounds", 200, 401),
    "coffee_round": ("/api/coffee/rounds/999999", 404, 401),
}
