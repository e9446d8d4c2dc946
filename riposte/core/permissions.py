"""Permission helpers called first in views: they raise, so the view body reads as the happy path."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def require_role(request: HttpRequest, *roles: str) -> None:
    if not request.user.is_authenticated or not request.user.has_role(*roles):  # type: ignore[union-attr]
        raise PermissionDenied


def role_required(
    *roles: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """For views reserved to some roles: anonymous visitors go to the login page, others get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require_role(request, *roles)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
