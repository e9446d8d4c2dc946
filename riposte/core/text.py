"""Text helpers shared by the search of every module."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse spaces: "Célia  FLEURY" -> "celia fleury".

    Stored beside searchable fields and applied to queries, so accent-insensitive search is the same
    plain `icontains` on SQLite and PostgreSQL.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.replace("œ", "oe").replace("æ", "ae").split())
