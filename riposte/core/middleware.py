"""A page for a form's address opened as a page.

A form refused with its errors is shown at the address it was sent to (the POST's), so the
browser's address bar then holds it. Opening that address again (Enter in the address bar, a
bookmark) is a GET, which the view refuses with 405 and, in Django, an empty body: a blank page.
This middleware gives that 405 a page that says what happened and leads back. A 405 with a body
(the API's) is left as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme


def _page_above(path: str) -> str:
    """The address one level up (/norms/17/testimonies/ → /norms/17/), if it is one of ours;
    typed in the address bar, the form's address comes with no referer."""
    above = path.rstrip("/").rsplit("/", 1)[0] + "/"
    try:
        resolve(above)
    except Resolver404:
        return ""
    return above


class FormAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A body means the view said something already (the API's 405s do).
        if response.status_code != 405 or request.method != "GET" or response.content:
            return response
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = _page_above(request.path)
        page = render(request, "405.html", {"back": back}, status=405)
        page["Allow"] = response.get("Allow", "POST")
        return page
