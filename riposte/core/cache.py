"""Django's Redis cache, with one Redis client and connection pool per process.

Django keeps one cache object per request context, and its Redis backend gives each object a
connection pool of its own: under ASGI every request that touched the cache (each one, once
sessions live in Redis) opened a new TCP connection to Redis, and built a new client for each
command. Sharing them halves the cost of a logged-in request (bench/README.md). Redis clients and
pools are thread-safe.
"""

import threading
from collections.abc import Callable
from typing import Any, ClassVar

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.functional import cached_property


class SharedRedisCacheClient(RedisCacheClient):
    # Private to Django's client, unknown to the type stubs.
    _client: Any
    _get_connection_pool: Callable[[bool], Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class RedisCache(DjangoRedisCache):
    # Private to Django's backend, unknown to the type stubs.
    _servers: list[str]
    _options: dict[str, Any]
    _shared: ClassVar[dict[str, SharedRedisCacheClient]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedRedisCacheClient

    @cached_property
    def _cache(self) -> SharedRedisCacheClient:
        key = repr((self._servers, sorted(self._options.items())))
        with self._lock:
            if key not in self._shared:
                self._shared[key] = self._class(self._servers, **self._options)
            return self._shared[key]
