"""Production: everything secret or site-specific must come from the environment."""

from bulletin.storages import filesystem_storages, object_storages

from .base import *  # noqa: F403
from .base import axes_client_address_settings, env, redis_cache

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
# Persistent connections: a request does not pay PostgreSQL's connection set-up (a fork on the
# server). Health checks (``CONN_HEALTH_CHECKS=true``) would spare the one request per worker
# that fails after a database restart, at the price of a round trip on every request — a
# quarter of a cached search's database time (docs/deploy.md, "gunicorn"): off by default.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)

# Files: folders on one machine; with BULLETIN_S3_BUCKET, one S3-compatible bucket (AWS S3,
# Aliyun OSS, MinIO) shared by every node, no shared filesystem (docs/deploy.md).
BULLETIN_S3 = {
    "ENDPOINT_URL": env.str("BULLETIN_S3_ENDPOINT_URL", default=""),
    "BUCKET": env.str("BULLETIN_S3_BUCKET", default=""),
    "ACCESS_KEY_ID": env.str("BULLETIN_S3_ACCESS_KEY_ID", default=""),
    "SECRET_ACCESS_KEY": env.str("BULLETIN_S3_SECRET_ACCESS_KEY", default=""),
    "REGION": env.str("BULLETIN_S3_REGION", default=""),
    "ADDRESSING_STYLE": env.str("BULLETIN_S3_ADDRESSING_STYLE", default=""),
    "SIGNATURE_VERSION": env.str("BULLETIN_S3_SIGNATURE_VERSION", default=""),
    "URL_EXPIRE": BULLETIN_DOWNLOADS_URL_EXPIRE,  # noqa: F405
}
_static_backend = "whitenoise.storage.CompressedManifestStaticFilesStorage"
STORAGES = (object_storages(BULLETIN_S3, _static_backend) if BULLETIN_S3["BUCKET"]
            else filesystem_storages(_static_backend))

# A cache shared by every node (sessions are cached_db: they share it too). Without it, each
# process keeps its own; content caches are keyed on content versions either way.
BULLETIN_REDIS_URL = env.str("BULLETIN_REDIS_URL", default="")
if BULLETIN_REDIS_URL:
    CACHES = {"default": redis_cache(BULLETIN_REDIS_URL)}
# Signed member PDF links need that shared cache (their access generations live there).
BULLETIN_DOWNLOAD_LINK_SECONDS = env.int("BULLETIN_DOWNLOAD_LINK_SECONDS",
                                         default=300 if BULLETIN_REDIS_URL else 0)

# docs/deploy.md puts one TLS-terminating proxy in front.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
globals().update(axes_client_address_settings(TRUSTED_PROXY_COUNT))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
