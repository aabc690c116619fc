"""Django's Redis cache with one client per connection pool, not one per call.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new ``redis.Redis``
for every cache operation; its constructor fills a table of ~170 response callbacks, which
cost a member's search page more than the Redis round trips themselves (about 0.2 ms per
operation, two or three operations per page: the session, a fragment, an access generation).
A ``redis.Redis`` is safe to share between threads (it takes a connection from the pool for
each command) and its pool reconnects after a fork, so one per pool is enough.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own choice of pool (and its creation); the client is kept per pool, which
        # lives as long as this object.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
