"""The Redis cache shares one client and one connection pool per process (riposte/core/cache.py).

Runs against the Redis server the test machine provides (REDIS_TEST_URL, 127.0.0.1:6379 database
15 by default); skipped, with the reason, where none answers.
"""

import os
import uuid

import pytest
import redis

from riposte.core.cache import RedisCache

URL = os.getenv("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(URL, socket_connect_timeout=0.5).ping())
    except redis.exceptions.ConnectionError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason=f"no Redis at {URL}")


def test_cache_objects_share_one_client_and_one_connection():
    # Django builds a cache object per request context: twenty of them, as twenty requests would.
    key = f"riposte-test-{uuid.uuid4()}"
    caches = [RedisCache(URL, {}) for _ in range(20)]
    caches[0].set(key, {"unread": 3}, 30)
    assert [c.get(key) for c in caches] == [{"unread": 3}] * 20
    client = caches[0]._cache.get_client()
    assert all(c._cache.get_client() is client for c in caches)
    assert client.connection_pool._created_connections == 1
    caches[0].delete(key)
    assert caches[5].get(key) is None


def test_different_locations_keep_different_clients():
    other = URL.rsplit("/", 1)[0] + "/14"
    assert RedisCache(URL, {})._cache is not RedisCache(other, {})._cache
