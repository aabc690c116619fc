"""The shared cache on a real Redis (DB 2 of the local server; skipped when none answers):
what one node caches, another reads, and content caches never serve a stale page across nodes
because their keys carry the content's stamp."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse

from bulletin.redis_cache import RedisCache
from bulletin.settings.base import redis_cache
from editorial.services import issue_touch
from publishing.models import AccessLevel
from publishing.services import issue_set_access
from tests.factories import ArticleFactory, IssueFactory

REDIS_URL = "redis://127.0.0.1:6379/2"


@pytest.fixture
def redis_settings(settings):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis answers at {REDIS_URL}: {exc}")
    config = redis_cache(REDIS_URL) | {"KEY_PREFIX": f"bulletin-test-{uuid.uuid4().hex[:8]}"}
    settings.CACHES = {"default": config}
    yield config
    for key in client.scan_iter(f"{config['KEY_PREFIX']}:*"):
        client.delete(key)
    client.close()


def another_node(config: dict) -> RedisCache:
    """A cache client of its own, as a second web node would have."""
    params = {k: v for k, v in config.items() if k not in {"BACKEND", "LOCATION"}}
    return RedisCache(config["LOCATION"], params)


def test_production_cache_is_redis_and_shared_between_nodes(redis_settings):
    assert isinstance(caches["default"], RedisCache)
    caches["default"].set("greeting", "你好", 30)
    assert another_node(redis_settings).get("greeting") == "你好"


def test_every_cache_call_shares_one_redis_client_and_its_pool(redis_settings):
    """Django's own backend builds a redis.Redis per call; ours keeps one per pool."""
    backend = caches["default"]._cache
    first = backend.get_client("a")
    assert backend.get_client("b", write=True) is first
    caches["default"].set_many({"一": 1, "二": "贰"}, 30)
    assert caches["default"].get_many(["一", "二"]) == {"一": 1, "二": "贰"}
    assert caches["default"].incr("一") == 2
    assert backend.get_client() is first and first.connection_pool is backend._pools[0]


@pytest.mark.django_db
def test_a_page_cached_by_one_node_is_never_served_stale_by_another(redis_settings, client):
    issue = IssueFactory(status="published", number=7)
    issue_set_access(issue=issue, level=AccessLevel.PUBLIC, embargo_months=0)
    ArticleFactory(issue=issue, title="旧标题")
    first = client.get(reverse("publishing:archive"))
    assert first.status_code == 200 and issue.display_title in first.content.decode()
    node_b = another_node(redis_settings)
    assert any(key for key in node_b._cache.get_client().scan_iter(
        f"{redis_settings['KEY_PREFIX']}:*anon-page*")), "node A's page is in the shared cache"

    issue.title = "第七期·新刊名"
    issue.save(update_fields=["title"])
    issue_touch(issue_id=issue.pk)  # what every change to an issue does
    caches["default"].close()
    again = client.get(reverse("publishing:archive"))  # served through the shared cache
    assert "第七期·新刊名" in again.content.decode()


def test_docker_compose_gives_every_process_the_one_shared_cache():
    """The compose deployment runs Redis and points the web and task workers at it: without it
    each gunicorn worker would keep its own cache and signed download links stay off."""
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    services = compose["services"]
    cache = services["cache"]
    assert cache["image"].startswith("redis:")
    command = cache["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"  # a cache, not a store
    assert command[command.index("--save") + 1] == "" and "--appendonly" in command
    urls = {name: services[name]["environment"]["BULLETIN_REDIS_URL"] for name in ("web", "worker")}
    assert set(urls.values()) == {"redis://cache:6379/0"}, urls
    assert services["web"]["depends_on"]["cache"] == {"condition": "service_healthy"}
