"""Riposte settings: one file, everything that differs between installs comes from the environment.

Every variable is documented in README.md ("Configuration") and listed in .env.example.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


# Runtime files (SQLite database, generated secret key, uploads) live outside the package so a
# package upgrade never touches them.
DATA_DIR = Path(os.getenv("DATA_DIR", BASE_DIR / "var"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once per install and kept in DATA_DIR.

    A fixed fallback would be shared by every install that forgot to set it; a per-install random
    key is safe by default and survives restarts.
    """
    if key := os.getenv("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", "False")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
SITE_ROOT = os.getenv("SITE_ROOT", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", SITE_ROOT)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "channels",
    "django_tasks_db",
    "riposte.core",
    "riposte.directory",
    "riposte.initiatives",
    "riposte.cooperations",
    "riposte.norms",
    "riposte.coffee",
    "riposte.workshops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "riposte.core.middleware.FormAddressMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "riposte.urls"
ASGI_APPLICATION = "riposte.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "riposte.core.context_processors.riposte",
            ],
        },
    },
]

# Database: SQLite file by default (zero set-up), PostgreSQL in production via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'riposte.sqlite3'}",
        # Each of the request threads of a process keeps its connection (riposte/asgi.py).
        conn_max_age=envint("DB_CONN_MAX_AGE", "600"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while app processes read; IMMEDIATE avoids "database is locked"
    # upgrades in write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool("DB_POOL", "1"):
    # psycopg's pool keeps a few connections open in each process and lends one to each request;
    # opening a PostgreSQL connection (a new server process) per request was the largest cost of a
    # page (bench/README.md). Django's persistent connections (DB_CONN_MAX_AGE) cannot be combined
    # with it; with DB_POOL=0 they keep one connection per request thread (riposte/asgi.py).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": envint("DB_POOL_MIN_SIZE", "2"),
        "max_size": envint("DB_POOL_MAX_SIZE", "10"),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "riposte.core.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis and written through to the database: one Redis GET per request
    # instead of a SQL query, and nobody is logged out when Redis restarts.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "directory.Agent"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins allowed per e-mail and per client address within LOGIN_RATE_WINDOW seconds.
LOGIN_RATE_LIMIT = envint("LOGIN_RATE_LIMIT", "5")
LOGIN_RATE_LIMIT_PER_ADDRESS = envint("LOGIN_RATE_LIMIT_PER_ADDRESS", "50")
# Number of reverse proxies in front of the app that append to X-Forwarded-For (0: none).
PROXY_COUNT = envint("PROXY_COUNT", "0")
LOGIN_RATE_WINDOW = envint("LOGIN_RATE_WINDOW", "900")

# ProConnect (or an OpenID Connect provider that, like it, signs its userinfo responses):
# enabled when OIDC_ISSUER is set.
OIDC_ISSUER = os.getenv("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = os.getenv("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.getenv("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = os.getenv("OIDC_SCOPES", "openid email given_name usual_name siret uid")
OIDC_LABEL = os.getenv("OIDC_LABEL", "ProConnect")
# Whether a first ProConnect login with an e-mail unknown to the directory creates the agent.
OIDC_CREATE_AGENTS = envbool("OIDC_CREATE_AGENTS", "False")

# Similar initiatives: threads of the embedding engine per process. One keeps the app processes
# from competing for the same cores; raise it on a machine with cores to spare.
SIMILARITY_THREADS = envint("SIMILARITY_THREADS", "1")
# numpy's OpenBLAS would otherwise start a thread per core in each process for the similarity
# index's product; read when numpy loads, which is after the settings.
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(SIMILARITY_THREADS))

# Map of initiatives (Leaflet): a tile server's URL template, e.g.
# https://tile.openstreetmap.org/{z}/{x}/{y}.png, and its attribution. Unset, the map shows the
# communes' markers on a blank background: nothing leaves a closed network.
MAP_TILES_URL = os.getenv("MAP_TILES_URL", "")
MAP_TILES_ATTRIBUTION = os.getenv("MAP_TILES_ATTRIBUTION", "")

# Video rooms (coffee machine): Riposte generates unguessable room names, it hosts no video.
VIDEO_PROVIDER = os.getenv("VIDEO_PROVIDER", "jitsi")
VIDEO_BASE_URL = os.getenv("VIDEO_BASE_URL", "https://meet.jit.si").rstrip("/")
VIDEO_URL_TEMPLATE = os.getenv("VIDEO_URL_TEMPLATE", "{base}/{room}")
# Coffee machine: rounds are weekly (on this weekday, 0 = Monday, at this local hour); two agents
# who met in the last COFFEE_COOLDOWN_ROUNDS rounds are not paired again; the groups of a round are
# deleted COFFEE_RETENTION_DAYS after it (its anonymous statistics are kept).
COFFEE_ROUND_WEEKDAY = envint("COFFEE_ROUND_WEEKDAY", "0")
COFFEE_ROUND_HOUR = envint("COFFEE_ROUND_HOUR", "8")
COFFEE_COOLDOWN_ROUNDS = envint("COFFEE_COOLDOWN_ROUNDS", "6")
COFFEE_RETENTION_DAYS = envint("COFFEE_RETENTION_DAYS", "365")

# E-mail (Django 6.1 MAILERS). Without an SMTP host, e-mails are printed by the process that sends
# them (the worker), so a demo never tries to reach a mail server.
_smtp_host = os.getenv("EMAIL_HOST", "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": envint("EMAIL_PORT", "587"),
                "username": os.getenv("EMAIL_HOST_USER", ""),
                "password": os.getenv("EMAIL_HOST_PASSWORD", ""),
                "use_tls": envbool("EMAIL_USE_TLS", "True")
                and not envbool("EMAIL_USE_SSL", "False"),
                "use_ssl": envbool("EMAIL_USE_SSL", "False"),
                "timeout": 20,
            },
        }
        if _smtp_host
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "riposte@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Hour (local time) at which the worker sends the daily notification digest.
DIGEST_HOUR = envint("DIGEST_HOUR", "7")
# Norms: how many days before a review or sunset date reminders go out.
NORMS_REMINDER_DAYS = [int(d) for d in envlist("NORMS_REMINDER_DAYS", "30,7,1")]
# Workshops: how many days before a milestone's due date its owner is reminded (0: on the day).
WORKSHOPS_REMINDER_DAYS = [int(d) for d in envlist("WORKSHOPS_REMINDER_DAYS", "14,3,0")]

# Directory import limits: a bigger file is refused before parsing.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", str(10 * 1024 * 1024))
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", "50000")
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "riposte" / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "riposte" / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
# Source maps are for developers' browsers only: not worth compressing at every deploy.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *(
        [
            "jpg",
            "jpeg",
            "png",
            "gif",
            "webp",
            "zip",
            "gz",
            "tgz",
            "bz2",
            "tbz",
            "xz",
            "br",
            "swf",
            "flv",
            "woff",
            "woff2",
            "3gp",
            "3gpp",
            "asf",
            "avi",
        ]
    ),
    *(
        [
            "m4v",
            "mkv",
            "mov",
            "mp4",
            "mpeg",
            "mpg",
            "wmv",
            "ogv",
            "webm",
            "mp3",
            "m4a",
            "ogg",
            "wav",
            "flac",
            "map",
        ]
    ),
]

# HTTPS=1 in production behind a TLS-terminating reverse proxy.
HTTPS = envbool("HTTPS", "False")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000") if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", str(HTTPS))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(14 * 24 * 3600))
X_FRAME_OPTIONS = "DENY"

# The tile server must be allowed to send images; "{s}" subdomains become a wildcard.
_tiles_origin = (
    "/".join(MAP_TILES_URL.replace("{s}", "*").split("/")[:3]) if "://" in MAP_TILES_URL else ""
)
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *([_tiles_origin] if _tiles_origin else [])],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'", *([OIDC_ISSUER] if OIDC_ISSUER else [])],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
