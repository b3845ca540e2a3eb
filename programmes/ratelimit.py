"""A fixed-window counter in the shared cache (the database cache by default).

Django's ``cache.incr`` re-writes the entry with the cache's default timeout
(five minutes for the database cache), so a per-hour limit built on it resets
after five minutes. Here each entry carries the end of its window and is
written with exactly the time left, so the window holds whatever the backend.
"""

from __future__ import annotations

import time

from django.core.cache import cache


def _window(key: str, *, seconds: int, now: float) -> tuple[int, float]:
    entry = cache.get(key)
    if not isinstance(entry, tuple) or len(entry) != 2 or entry[1] <= now:
        return 0, now + seconds
    return entry


def over_limit(key: str, *, limit: int, seconds: int) -> bool:
    """True once ``limit`` hits were counted in the current window."""
    count, _ends = _window(key, seconds=seconds, now=time.time())
    return count >= limit


def hit(key: str, *, seconds: int) -> int:
    """Count one more in the window; returns the count."""
    now = time.time()
    count, ends = _window(key, seconds=seconds, now=now)
    cache.set(key, (count + 1, ends), timeout=max(1, int(ends - now) + 1))
    return count + 1
