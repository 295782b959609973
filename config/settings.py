"""Settings for the DTI assessment project.

Every setting that differs between a developer's machine and production is read from the
environment; the defaults are safe for development (SQLite in a file under the project,
DEBUG on only when DJANGO_DEBUG says so or no production secret is set).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from common.client_ip import proxy_networks
from config.log import admins_from, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", default=not SECRET_KEY)
if not SECRET_KEY:
    # Development only: production must set DJANGO_SECRET_KEY (check --deploy says so).
    SECRET_KEY = "django-insecure-development-key-not-for-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "formtools",
    "django_tasks",
    "django_tasks_db",
    "axes",
    # Serves the API docs page's scripts and styles from our own static files.
    "ninja",
    "survey",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: the policy is for pages, the static files go out without it.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view: the audit events of a request record its address.
    "survey.middleware.AuditRequestMiddleware",
    # After authentication: every query of the request sees one province.
    "survey.middleware.ProvinceMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "survey.context_processors.navigation",
            ],
        },
    },
]

# SQLite: WAL lets readers and one writer work at once; IMMEDIATE transactions and a
# busy timeout make concurrent saves wait for the lock instead of failing.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # Browser tests need a file that the live server thread shares with the tests.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get(
            "SQLITE_TEST_NAME", str(BASE_DIR / "var" / "test.sqlite3")
        )
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "survey.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
# Argon2 first, as Django recommends; the PBKDF2 hashers still check older
# passwords, which Django rehashes with Argon2 at the next successful login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out person is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): five failures lock the username from that address
# for an hour; a successful login clears the count.
AXES_FAILURE_LIMIT = int(os.environ.get("DTI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("DTI_LOGIN_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Cut to the 255 characters that axes stores, so that an overlong name is recorded.
AXES_USERNAME_CALLABLE = "survey.login.attempt_username"
AXES_LOCKOUT_TEMPLATE = "survey/accounts/locked_out.html"
AXES_VERBOSE = False
# Security hardening (issue 13): the address alone is throttled too (password
# spraying: many accounts, one address), password reset mails are throttled per
# address and per IP, and people can add a second factor (TOTP, django-otp).
AXES_HANDLER = "survey.login.LoginThrottleHandler"
DTI_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("DTI_LOGIN_IP_FAILURE_LIMIT", "30"))
DTI_RESET_MAILS_PER_ADDRESS = int(os.environ.get("DTI_RESET_MAILS_PER_ADDRESS", "3"))
DTI_RESET_REQUESTS_PER_IP = int(os.environ.get("DTI_RESET_REQUESTS_PER_IP", "20"))
DTI_RESET_WINDOW_MINUTES = int(os.environ.get("DTI_RESET_WINDOW_MINUTES", "60"))
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# Right after authentication: the session's second factor, then the gate that
# keeps a person who has not given it on the code page.
_after_auth = MIDDLEWARE.index(
    "django.contrib.auth.middleware.AuthenticationMiddleware"
)
MIDDLEWARE[_after_auth + 1 : _after_auth + 1] = [
    "django_otp.middleware.OTPMiddleware",
    "survey.middleware.TwoFactorMiddleware",
]
OTP_TOTP_ISSUER = os.environ.get("DTI_TOTP_ISSUER", "DTI")
DTI_BACKUP_CODES = 10
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "survey:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# Read from settings only (not from format modules): lets forms accept 1.250.000 and
# templates group digits. Years and codes are shown with |unlocalize.
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Mail (docs/mail.md): printed to the console in development; sent through the SMTP
# server of DJANGO_EMAIL_HOST once it is set (or the backend DJANGO_EMAIL_BACKEND
# names). The task worker sends each message, DTI_MAIL_RETRIES attempts in all,
# waiting DTI_MAIL_RETRY_DELAY seconds, then twice as long each time.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "Set DJANGO_EMAIL_USE_TLS (STARTTLS, usually port 587) or DJANGO_EMAIL_USE_SSL "
        "(implicit TLS, usually port 465), not both."
    )
EMAIL_TIMEOUT = float(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "dti@localhost")
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
DTI_MAIL_RETRIES = max(1, int(os.environ.get("DTI_MAIL_RETRIES", "5")))
DTI_MAIL_RETRY_DELAY = float(os.environ.get("DTI_MAIL_RETRY_DELAY", "60"))

# Client addresses (docs/server.md): behind these proxies (IP addresses or CIDR
# networks, comma-separated), the client is read from X-Forwarded-For; by default
# none is trusted and the peer's address is the client's. The audit trail and the
# login throttling both read it through request_ip.
DTI_TRUSTED_PROXIES = env_list("DTI_TRUSTED_PROXIES")
try:
    proxy_networks(DTI_TRUSTED_PROXIES)
except ValueError as error:
    raise ImproperlyConfigured(f"DTI_TRUSTED_PROXIES: {error}") from error
AXES_CLIENT_IP_CALLABLE = "survey.services.audit.request_ip"

# Where mails point to (notifications, reminders): the site's address, no slash.
DTI_SITE_URL = os.environ.get("DTI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the autosave script reads the token
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Content-Security-Policy (django-csp) on every response: scripts, styles, images
# and requests from this site only, nothing written into the page itself (no inline
# script, event handler, <style> or style attribute; docs/content-security-policy.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Evidence uploads: the questionnaire refuses larger files with a message at the field.
EVIDENCE_MAX_BYTES = int(os.environ.get("DTI_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
# Evidence chosen without a network waits in the browser (docs/offline.md): each file
# up to EVIDENCE_MAX_BYTES, the waiting files of one assessment together up to this.
DTI_OFFLINE_FILES_MAX_BYTES = int(
    os.environ.get("DTI_OFFLINE_FILES_MAX_BYTES", 50 * 1024 * 1024)
)
# Behind nginx: the download view checks the permission, then hands the file to nginx
# with X-Accel-Redirect under this prefix (an `internal` location mapped to MEDIA_ROOT,
# deploy/nginx/dti.conf). Empty: the view streams the file itself.
DTI_EVIDENCE_ACCEL_REDIRECT = os.environ.get("DTI_EVIDENCE_ACCEL_REDIRECT", "").strip()
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The coordinating agency's name changes with reorganisations (Sở TT&TT -> Sở KH&CN).
DTI_COORDINATOR_NAME = os.environ.get(
    "DTI_COORDINATOR_NAME", "Sở Khoa học và Công nghệ"
)
# The province a new installation starts with (and that an existing database's
# rows join when it is upgraded); more provinces are added by a command.
DTI_PROVINCE_NAME = os.environ.get("DTI_PROVINCE_NAME", "tỉnh Demo")
DTI_PROVINCE_CODE = os.environ.get("DTI_PROVINCE_CODE", "")
# API tokens: the longest validity a person may choose, in days.
DTI_API_TOKEN_MAX_DAYS = int(os.environ.get("DTI_API_TOKEN_MAX_DAYS", "365"))
# The licence line of the public results and their downloads.
DTI_OPEN_DATA_LICENCE = os.environ.get(
    "DTI_OPEN_DATA_LICENCE", "Creative Commons Attribution 4.0 (CC BY 4.0)"
)
# Deadline reminders (manage.py send_reminders): days before the deadline on which
# units that have not submitted are reminded; after the deadline, every day.
DTI_REMINDER_DAYS = [
    int(day) for day in env_list("DTI_REMINDER_DAYS", "7,3,1") if day.strip()
]

# Operations ----------------------------------------------------------------------
# Logs: readable text by default, JSON lines with DJANGO_LOG_FORMAT=json; every record
# carries its request's id, which the first middleware assigns and returns in the
# X-Request-ID header. DJANGO_ADMINS ("Name <a@b>, c@d") mails each server error.
MIDDLEWARE.insert(0, "config.log.RequestIdMiddleware")
ADMINS = admins_from(os.environ.get("DJANGO_ADMINS", ""))
LOGGING = logging_config(
    log_format=os.environ.get("DJANGO_LOG_FORMAT", "text").strip().lower(),
    level=os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    mail_admins=bool(ADMINS),
)
# /healthz: the task worker counts as alive when it ran the health check's heartbeat
# task within this many seconds; media needs at least this much free space.
DTI_WORKER_HEARTBEAT_SECONDS = int(
    os.environ.get("DTI_WORKER_HEARTBEAT_SECONDS", "300")
)
DTI_HEALTH_MIN_FREE_MB = int(os.environ.get("DTI_HEALTH_MIN_FREE_MB", "500"))
# A probe on the machine itself may ask over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Development and tests serve static files straight from the apps; production runs
# collectstatic and serves the hashed, compressed copies.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
