"""`riposte serve` runs one process when the channel layer cannot reach the others."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command


@pytest.fixture
def exec_args(monkeypatch, settings, tmp_path) -> list[Any]:
    """The argv `serve` would replace itself with (os.execv is the operating system: faked)."""
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text("{}")
    seen: list[Any] = []
    monkeypatch.setattr("os.execv", lambda path, argv: seen.extend(argv))
    return seen


def _workers(argv: list[Any]) -> str:
    return argv[argv.index("--workers") + 1]


def test_without_redis_one_process(exec_args, settings) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    err = io.StringIO()
    call_command("serve", workers=4, stdout=io.StringIO(), stderr=err)
    assert _workers(exec_args) == "1"
    assert "REDIS_URL" in err.getvalue()


def test_with_redis_the_processes_asked_for(exec_args, settings) -> None:
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:6379/15"]},
        }
    }
    call_command("serve", workers=4, stdout=io.StringIO(), stderr=io.StringIO())
    assert _workers(exec_args) == "4"
