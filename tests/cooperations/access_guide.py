"""Rows of the access table for the cooperations module's guide (see tests/cooperations/access.py)."""

from __future__ import annotations

from tests.access_table import Route

ROUTES: list[Route] = []
