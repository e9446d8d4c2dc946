"""A small fixed-window rate limiter on the cache (shared between processes when REDIS_URL is set)."""

from django.core.cache import cache


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt; returns False when the limit is exceeded for this window."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window)
        count = 1
    return count <= limit


def is_blocked(key: str, *, limit: int) -> bool:
    return (cache.get(f"ratelimit:{key}") or 0) >= limit


def reset(key: str) -> None:
    cache.delete(f"ratelimit:{key}")
