"""Django settings for Chorus, read from the environment (see docs/configuration.md)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from chorus.config import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_optional,
    env_str,
    key_from_secret,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("CHORUS_VAR_DIR", str(Path.cwd() / "var"))).resolve()

CHORUS_ENV = env_choice("CHORUS_ENV", "development", ("development", "production", "test"))
PRODUCTION = CHORUS_ENV == "production"
DEBUG = env_bool("CHORUS_DEBUG", CHORUS_ENV == "development")
SECRET_KEY = secret_key(production=PRODUCTION, var_dir=VAR_DIR)

SITE_URL = env_str("CHORUS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("CHORUS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
if CHORUS_ENV == "test":
    ALLOWED_HOSTS.append("testserver")
CSRF_TRUSTED_ORIGINS = env_list("CHORUS_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "django_tasks_db",
    "django_rq",
    "chorus.core",
    "chorus.accounts",
    "chorus.orgs",
    "chorus.audit",
    "chorus.networks",
    "chorus.campaigns",
    "chorus.sharing",
    "chorus.publishing",
    "chorus.notifications",
    "chorus.privacy",
    "chorus.rallies",
    "chorus.governance",
    "chorus.links",
    "chorus.policies",
    "chorus.training",
    "chorus.register",
    "chorus.offboarding",
    "chorus.incentives",
    "chorus.api",
    # The API documentation page and its assets, served locally (never from a CDN).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "chorus.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "chorus.urls"
WSGI_APPLICATION = "chorus.wsgi.application"
ASGI_APPLICATION = "chorus.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chorus.orgs.context_processors.navigation",
                "chorus.notifications.context_processors.unread_notifications",
            ],
        },
    }
]

# Database: embedded SQLite under ./var/ unless DATABASE_URL says otherwise.
_default_database = f"sqlite:///{VAR_DIR / 'chorus.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_database),
        conn_max_age=env_int("CHORUS_DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
# WAL lets the web server, worker and scheduler share one file without lock errors.
CHORUS_SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(CHORUS_SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if CHORUS_ENV == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# Accounts: email and password only; people arrive through invitations.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "chorus.accounts.adapter.AccountAdapter"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Chorus] "
ACCOUNT_RATE_LIMITS = {} if CHORUS_ENV == "test" else {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Chorus"
USERSESSIONS_TRACK_ACTIVITY = False

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("fi", _("Finnish")),
    ("pl", _("Polish")),
    ("cy", _("Welsh")),
]
# The second path holds Welsh for the allauth pages, which allauth itself does not ship.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("CHORUS_TIME_ZONE", "UTC")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Email: console in development unless an SMTP server is configured.
_EMAIL_HOST = env_optional("CHORUS_EMAIL_HOST")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int("CHORUS_EMAIL_PORT", 587, minimum=1),
                "username": env_str("CHORUS_EMAIL_USER", ""),
                "password": env_str("CHORUS_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("CHORUS_EMAIL_USE_TLS", False),
                "timeout": 20,
            },
        }
        if _EMAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("CHORUS_EMAIL_FROM", "Chorus <chorus@localhost>")

# Background work: Django's tasks API on the database by default, on Redis by configuration.
REDIS_URL = env_str("CHORUS_REDIS_URL", "redis://127.0.0.1:6379/0")
# Tests run tasks in-process at once unless a test starts real workers.
TASKS_BACKEND = env_choice(
    "CHORUS_TASKS_BACKEND",
    "immediate" if CHORUS_ENV == "test" else "database",
    ("database", "redis", "immediate"),
)
_TASK_QUEUES = ["default"]
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "redis": "chorus.core.rq_backend.RQBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
        "QUEUES": _TASK_QUEUES,
    }
}
RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600, "DEFAULT_RESULT_TTL": 24 * 3600}
    for name in _TASK_QUEUES
}
SCHEDULER_INTERVAL_SECONDS = env_int("CHORUS_SCHEDULER_INTERVAL", 15, minimum=1)
TASK_RESULTS_KEEP_DAYS = env_int("CHORUS_TASK_RESULTS_KEEP_DAYS", 14, minimum=1)

# Invitations.
INVITATION_VALID_DAYS = env_int("CHORUS_INVITATION_VALID_DAYS", 7, minimum=1)
INVITATION_CSV_MAX_ROWS = env_int("CHORUS_INVITATION_CSV_MAX_ROWS", 1000, minimum=1)

# Security.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("CHORUS_BEHIND_TLS_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env_bool("CHORUS_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("CHORUS_HSTS_SECONDS", 0, minimum=0)
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}

LOG_LEVEL = env_choice(
    "CHORUS_LOG_LEVEL", "info", ("debug", "info", "warning", "error", "critical")
).upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handler would print every line a second time beside the root's.
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # One line per call to a network, with its full address, is noise in a worker's
        # log; failures reach the log through Chorus's own messages.
        "httpx": {"level": "WARNING"},
    },
}

# Uploaded files (activity images). Served only through permission-checked views.
MEDIA_ROOT = env_str("CHORUS_MEDIA_ROOT", str(VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Networks: which connector posts to which network. The development outbox records
# posts locally instead of sending them; production leaves it off unless asked.
CHORUS_OUTBOX_ENABLED = env_bool("CHORUS_OUTBOX", not PRODUCTION)
CHORUS_CONNECTORS: dict[str, str] = {
    network: f"chorus.networks.connectors.{network}.Connector"
    for network in ("bluesky", "mastodon", "linkedin", "x", "facebook", "instagram")
}
if CHORUS_OUTBOX_ENABLED:
    CHORUS_CONNECTORS["outbox"] = "chorus.networks.connectors.outbox.OutboxConnector"

# Network credentials are encrypted with these Fernet keys, newest first (see
# docs/configuration.md). Development derives one from the secret key.
CHORUS_TOKEN_KEYS = env_list("CHORUS_TOKEN_KEYS", [])
if not CHORUS_TOKEN_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "CHORUS_TOKEN_KEYS (or CHORUS_TOKEN_KEYS_FILE) is required when CHORUS_ENV=production"
        )
    CHORUS_TOKEN_KEYS = [key_from_secret(SECRET_KEY)]
# LinkedIn retires each API version about a year after release; keep this recent.
CHORUS_LINKEDIN_VERSION = env_str("CHORUS_LINKEDIN_VERSION", "202611")
# Meta's Graph API (Facebook Pages, Instagram); each version is served about two years.
CHORUS_GRAPH_API_VERSION = env_str("CHORUS_GRAPH_API_VERSION", "v26.0")
# Servers members name (Mastodon instances, Bluesky PDSes) must have public addresses,
# so nobody can make Chorus call into its own network. Tests allow loopback servers.
CHORUS_ALLOW_PRIVATE_SERVERS = env_bool("CHORUS_ALLOW_PRIVATE_SERVERS", CHORUS_ENV == "test")
# Timeout, in seconds, of every call to a network.
CHORUS_NETWORK_TIMEOUT = env_int("CHORUS_NETWORK_TIMEOUT", 20, minimum=1)

# Compliance checks made while members type are kept this many days; checks at approval
# and before publishing are the record of what went out, and are kept.
CHORUS_DRAFT_CHECKS_KEPT_DAYS = env_int("CHORUS_DRAFT_CHECKS_KEPT_DAYS", 30, minimum=1)

# Tracked links (docs/links.md): where short links start, served beside Chorus at that
# address's path. Organisations may name their own short domain in their link settings.
CHORUS_LINK_BASE_URL = env_str("CHORUS_LINK_BASE_URL", SITE_URL + "/l/")
# Redirect processes look for changed links this often (milliseconds).
CHORUS_LINK_CACHE_CHECK_MS = env_int("CHORUS_LINK_CACHE_CHECK_MS", 1000, minimum=0)
# How long a redirect process gathers clicks before writing them in one transaction; with 0,
# clicks arriving together or while the previous batch is written share one (docs/links.md).
CHORUS_LINK_BATCH_MS = env_int("CHORUS_LINK_BATCH_MS", 0, minimum=0)
# Take the visitor's address from X-Forwarded-For (the proxy's last entry).
CHORUS_LINK_TRUST_FORWARDED_FOR = env_bool(
    "CHORUS_LINK_TRUST_FORWARDED_FOR", env_bool("CHORUS_BEHIND_TLS_PROXY", False)
)
# A MaxMind-format country database (.mmdb); clicks get no country without one.
CHORUS_GEOIP_DATABASE = env_optional("CHORUS_GEOIP_DATABASE")
