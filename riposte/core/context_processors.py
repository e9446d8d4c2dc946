from typing import Any

from django.http import HttpRequest

from riposte.core.modules import module_links
from riposte.core.notifications import notifications_unread


def riposte(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)

    def unread() -> int:
        # Lazy: pages that never show the header (API, healthz) never pay for the query.
        return (
            notifications_unread(user).count() if user is not None and user.is_authenticated else 0
        )

    return {"unread_count": unread, "module_links": module_links()}
