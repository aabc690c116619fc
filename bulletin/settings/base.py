"""Settings shared by every environment; values that differ come from the environment."""

from pathlib import Path

import environ
from django.templatetags.static import static
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from bulletin.storages import filesystem_storages

_static_lazy = lazy(static, str)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the widget templates, for FORM_RENDERER below
    "taggit",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_prose_editor",
    "django_tasks",
    "bulletin.apps.BulletinConfig",
    "editorial.apps.EditorialConfig",
    "publishing.apps.PublishingConfig",
    # After publishing: publishing's `db_worker` (the worker that stays up) overrides its own.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Signed member PDF links (/dl/…) are answered here, before sessions and auth.
    "publishing.library.download_links.SignedDownloadMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bulletin.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns lockouts raised during login into a response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "bulletin.urls"
WSGI_APPLICATION = "bulletin.wsgi.application"

# Labels above fields, help and errors inline: templates/forms/ (editorial/formrenderer.py).
FORM_RENDERER = "editorial.formrenderer.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "publishing.context_processors.production_alerts",
                "editorial.context_processors.notifications",
            ],
        },
    },
]

# The embedded default: an SQLite file in the project folder. Production sets DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Seconds a connection is kept between requests or worker turns (production: 60).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker share the file: wait for locks instead of failing,
    # take the write lock at BEGIN (no deadlocking upgrades), let readers run beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Rendered issue editions (PDF + HTML). Kept apart from uploads so access can be checked per issue.
EDITIONS_ROOT = env.path("EDITIONS_ROOT", default=BASE_DIR / "var" / "editions")
# With nginx in front (deploy/nginx/bulletin.conf): after the access check, files under
# EDITIONS_ROOT are handed to nginx with X-Accel-Redirect under this internal location (e.g.
# "/_editions/", an `internal` alias of EDITIONS_ROOT). Empty: Django streams them itself.
DOWNLOADS_ACCEL_REDIRECT_PREFIX = env.str("DOWNLOADS_ACCEL_REDIRECT_PREFIX", default="")
# Cover thumbnails, made when an issue is published: public, named by the PDF's hash (never
# change), served as static files by the web server (docs/deploy.md) or, without one, Django.
COVERS_ROOT = env.path("COVERS_ROOT", default=BASE_DIR / "var" / "covers")
COVERS_URL = env.str("COVERS_URL", default="/covers/")

# Named storages (bulletin/storages.py): uploads ("default"), "editions", "proofs" and "covers".
# Here the folders above; production puts them on an S3-compatible bucket when BULLETIN_S3_BUCKET
# is set (docs/deploy.md, "Scaling out"). Code reads and writes them only through
# django.core.files.storage.storages[name].
STORAGES = filesystem_storages("django.contrib.staticfiles.storage.StaticFilesStorage")
# The bucket's settings (production.py reads them from BULLETIN_S3_*); empty: folders.
# A half-filled one is refused by a system check (bulletin.E004).
BULLETIN_S3: dict = {}
# Member downloads from object storage, after the access check and the download log: "redirect"
# answers 302 to a signed URL valid this many seconds; "proxy" streams the object through Django.
BULLETIN_DOWNLOADS_URL_EXPIRE = env.int("BULLETIN_DOWNLOADS_URL_EXPIRE", default=60)
BULLETIN_DOWNLOADS_OBJECT_MODE = env.str("BULLETIN_DOWNLOADS_OBJECT_MODE", default="redirect")
# Signed PDF links on the issue page, answered without session, auth or access queries
# (publishing/library/download_links.py): valid this many seconds (never past a membership's
# last day), refused at the next click after any access change. 0: every download takes the
# canonical URL's full check. Needs a cache shared by every process (system check
# publishing.E003): production turns it on with BULLETIN_REDIS_URL.
BULLETIN_DOWNLOAD_LINK_SECONDS = env.int("BULLETIN_DOWNLOAD_LINK_SECONDS", default=0)

# Uploads: files above this size are refused before Pillow looks at them.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760
BULLETIN_IMAGE_MAX_BYTES = env.int("BULLETIN_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
# Well below Pillow's decompression-bomb limit (~89 Mpx): 40 megapixels is a 300-dpi A3 scan.
BULLETIN_IMAGE_MAX_PIXELS = env.int("BULLETIN_IMAGE_MAX_PIXELS", default=40_000_000)
# Word import (.docx): checked before anything is unpacked or converted. See docs/deploy.md.
BULLETIN_DOCX_MAX_ENTRIES = env.int("BULLETIN_DOCX_MAX_ENTRIES", default=1000)
BULLETIN_DOCX_MAX_UNPACKED_BYTES = env.int("BULLETIN_DOCX_MAX_UNPACKED_BYTES",
                                           default=200 * 1024 * 1024)
BULLETIN_DOCX_MAX_XML_BYTES = env.int("BULLETIN_DOCX_MAX_XML_BYTES", default=32 * 1024 * 1024)
# The longest article body (HTML characters) an import may store.
BULLETIN_BODY_MAX_CHARS = env.int("BULLETIN_BODY_MAX_CHARS", default=2_000_000)
# Issue bundles: the largest issue.yaml (and article front matter) and article file read.
BULLETIN_BUNDLE_YAML_MAX_BYTES = env.int("BULLETIN_BUNDLE_YAML_MAX_BYTES", default=256 * 1024)
BULLETIN_BUNDLE_MARKDOWN_MAX_BYTES = env.int("BULLETIN_BUNDLE_MARKDOWN_MAX_BYTES",
                                             default=2 * 1024 * 1024)
BULLETIN_RENDER_TIMEOUT = env.int("BULLETIN_RENDER_TIMEOUT", default=300)
# Address-space cap (RLIMIT_AS) of each render's child process, in MB; 0 = none. Sized for a
# 24 GB / 2-core machine: two renders at once (one per core) leave room for the site and
# PostgreSQL. See docs/deploy.md.
BULLETIN_RENDER_MEMORY_MB = env.int("BULLETIN_RENDER_MEMORY_MB", default=6144)
# Background work (PDF proofs, scheduled publishing, e-mail). The database backend needs no
# broker; `manage.py db_worker` runs the queue. See docs/deploy.md for scaling out.
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    },
}
# Edition claims and task workers keep a heartbeat every quarter of this lease (seconds). On
# the same host a dead holder is recognised at once from the process table; from another host
# (web and worker containers) when its heartbeat is older than the lease. Then its claim is
# taken over and its RUNNING task run again.
BULLETIN_LEASE_SECONDS = env.int("BULLETIN_LEASE_SECONDS", default=60)
# A task whose worker died this many times is marked failed instead of being run again.
BULLETIN_TASK_MAX_ATTEMPTS = env.int("BULLETIN_TASK_MAX_ATTEMPTS", default=3)
# The worker's back-off after a database error: 1, 2, 4 … seconds, at most this long.
BULLETIN_WORKER_MAX_BACKOFF = env.int("BULLETIN_WORKER_MAX_BACKOFF", default=60)
# A member CSV is imported by a task this many rows per transaction (progress is shown per batch).
BULLETIN_MEMBER_IMPORT_BATCH = env.int("BULLETIN_MEMBER_IMPORT_BATCH", default=500)
# How long after its release time an unpublished scheduled issue counts as overdue.
BULLETIN_PUBLISH_GRACE_SECONDS = env.int("BULLETIN_PUBLISH_GRACE_SECONDS", default=120)

# The site's public address: every link in an e-mail (invitations, password resets, review
# requests, announcements) is built from it, never from a request's Host header. A deploy check
# (bulletin.E003) refuses a loopback address outside DEBUG.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
BULLETIN_SITE_URL = SITE_URL  # the name used before SITE_URL; kept for code that still reads it

# Sessions are read on every member's page view: from the cache first, the database behind it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# CACHES: Django's default, local memory per process (dev, tests, one machine). Production sets
# BULLETIN_REDIS_URL (redis://host:6379/0) for one cache shared by every process and node.


def redis_cache(url: str) -> dict:
    """The shared cache on Redis. Keys carry the project's prefix, so a Redis database may be
    shared with other software; a Redis that stops answering fails requests loudly."""
    return {"BACKEND": "bulletin.redis_cache.RedisCache", "LOCATION": url,
            "KEY_PREFIX": "bulletin", "TIMEOUT": 300}

LOGIN_URL = "login"
# Workspace users land on their dashboard, everyone else on the library (bulletin/views.py).
LOGIN_REDIRECT_URL = "after_login"
LOGOUT_REDIRECT_URL = "login"

# django-axes: five wrong passwords for one user name from one address lock it for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client address behind reverse proxies (docs/deploy.md), through django-axes' own
# django-ipware settings. TRUSTED_PROXY_COUNT is how many proxies stand in front of the web
# process; each appends the address it saw to X-Forwarded-For, so the client is the entry
# that many places from the right, and anything further left (written by the client) is
# ignored. 0 (here): no proxy, the socket's address.


def axes_client_address_settings(trusted_proxies: int) -> dict:
    if trusted_proxies <= 0:
        return {"AXES_IPWARE_PROXY_COUNT": None,
                "AXES_IPWARE_META_PRECEDENCE_ORDER": ("REMOTE_ADDR",)}
    # ipware counts the proxies listed inside the header: the nearest one is not.
    return {"AXES_IPWARE_PROXY_COUNT": trusted_proxies - 1,
            "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")}


TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_ORDER = "left-most"
# Not strict: a client that writes its own addresses in front of the proxies' must not make
# the whole header count as invalid (which would key its failures on the proxy's address).
IPWARE_STRICT = False
globals().update(axes_client_address_settings(TRUSTED_PROXY_COUNT))

# The article editor's own extension: Enter and the arrow keys leave a figure's caption
# (static/editorial/figure_keys.js). Our sanitiser (editorial.richtext) decides what HTML is
# kept, so the extension adds nothing to the editor's own allowlist.
DJANGO_PROSE_EDITOR_EXTENSIONS = [{
    "js": [_static_lazy("editorial/figure_keys.js")],
    "extensions": {"FigureKeys": lambda config, shared: None},
}]

# Review reminders: a review due within this many days gets a reminder.
BULLETIN_REVIEW_REMINDER_DAYS = env.int("BULLETIN_REVIEW_REMINDER_DAYS", default=2)
# Someone whose editor page pinged within this many seconds "has the article open".
BULLETIN_PRESENCE_SECONDS = 60

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="bulletin@localhost")
# Outside DEBUG, the console and file backends (which write reset and invitation links into
# logs) are refused by a deploy check (bulletin.E002) unless this says so on purpose.
BULLETIN_EMAIL_LOG_BACKEND_ALLOWED = env.bool("EMAIL_LOG_BACKEND_ALLOWED", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No secret link (password reset, invitation) in any log: see bulletin/log_filters.py.
    "filters": {"redact_secret_links": {"()": "bulletin.log_filters.RedactSecretLinks"}},
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter",
                          "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secret_links"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server",
                          "filters": ["redact_secret_links"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "fontTools": {"level": "ERROR"},
        # Request lines of the development server, and paths of failed requests.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False,
                          "filters": ["redact_secret_links"]},
        "django.request": {"filters": ["redact_secret_links"]},
    },
}
