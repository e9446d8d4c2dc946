"""A URLconf for tests/core/test_asgi.py: one view that answers the name of its thread."""

import threading

from django.http import HttpRequest, HttpResponse
from django.urls import path


def thread_name(request: HttpRequest) -> HttpResponse:
    return HttpResponse(threading.current_thread().name, content_type="text/plain")


urlpatterns = [path("thread", thread_name)]
