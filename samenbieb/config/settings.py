"""Django settings: everything variable comes from :mod:`samenbieb.config.env`."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from samenbieb.config import env as environment

ENV = environment.from_os()
BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = environment.data_dir(ENV)

DEBUG = ENV.flag("SAMENBIEB_DEBUG", False)
SECRET_KEY = environment.secret_key(ENV, DATA_DIR)
ALLOWED_HOSTS = ENV.words("SAMENBIEB_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = ENV.words("SAMENBIEB_CSRF_TRUSTED_ORIGINS", [])
HTTPS = ENV.flag("SAMENBIEB_HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "samenbieb.core",
    "samenbieb.network",
    "samenbieb.catalog",
    "samenbieb.holdings",
    "samenbieb.members",
    "samenbieb.circulation",
    "samenbieb.programmes",
    "oauth2_provider",
    "samenbieb.identity",
    "samenbieb.digital",
    "samenbieb.selfservice",
    "samenbieb.cockpit",
    "samenbieb.privacy",
    "samenbieb.demo",
    "samenbieb.security",
    "samenbieb.incidents",
    "samenbieb.interfaces.portal",
    "samenbieb.interfaces.desk",
    # REST API v1 (docs/api.md); "ninja" serves the Swagger UI files of the browsable docs.
    "ninja",
    "samenbieb.interfaces.api",
    "samenbieb.interfaces.cockpit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "samenbieb.network.second_factor.StaffSecondFactorMiddleware",
    "samenbieb.members.middleware.MemberMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "samenbieb.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "samenbieb.config.urls"
WSGI_APPLICATION = "samenbieb.config.wsgi.application"

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
                "samenbieb.members.context_processors.member",
            ],
        },
    },
]

DATABASES = {"default": environment.database(ENV, DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "network.StaffUser"
LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "desk:login"

# Argon2id first; the others only verify hashes made elsewhere and upgrade them on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG

# Sessions live in the database so any number of stateless web servers can serve them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = ENV.integer("SAMENBIEB_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict content security policy: nothing from other origins, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

EMAIL_HOST = ENV.text("SAMENBIEB_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = ENV.integer("SAMENBIEB_SMTP_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = ENV.text("SAMENBIEB_MAIL_FROM", "Samenbieb <noreply@samenbieb.localhost>")
# A mail server that does not answer must not hold a job worker for minutes.
EMAIL_TIMEOUT = 30
# The demo writes mail into a folder instead (SAMENBIEB_MAIL_DIR; `make run` sets it).
MAIL_DIR = environment.mail_dir(ENV)
if MAIL_DIR is not None:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(MAIL_DIR)

# Background jobs (docs/decisions/0006-job-queue.md): rows in our own database, run by
# `samenbieb jobs` (which `samenbieb serve` starts beside the web server).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOG_LEVEL = ENV.text("SAMENBIEB_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
    raise environment.ConfigError(
        "SAMENBIEB_LOG_LEVEL", f"expected DEBUG, INFO, WARNING or ERROR, got {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Request logs would carry query strings (search terms, card numbers): keep them out.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # Their debug lines can carry authorization codes and tokens.
        "oauthlib": {"level": "WARNING"},
        # Its debug lines dump whole template contexts: forms, members, their names.
        "django.template": {"level": "INFO"},
        # SQL with its parameters (only logged when DEBUG is on, and then not wanted either).
        "django.db.backends": {"level": "INFO"},
        "oauth2_provider": {"level": "WARNING"},
    },
}

# Member login (docs/decisions/0004): failures per login name within a window lock that
# name until the oldest failure leaves the window.
MEMBER_LOGIN_MAX_FAILURES = ENV.integer("SAMENBIEB_LOGIN_MAX_FAILURES", 5, minimum=1)
MEMBER_LOGIN_WINDOW_MINUTES = ENV.integer("SAMENBIEB_LOGIN_WINDOW_MINUTES", 15, minimum=1)
MEMBER_VERIFY_TIMEOUT_SECONDS = ENV.integer(
    "SAMENBIEB_VERIFY_TIMEOUT_SECONDS", 3 * 24 * 3600, minimum=600
)
MEMBER_RESET_TIMEOUT_SECONDS = ENV.integer("SAMENBIEB_RESET_TIMEOUT_SECONDS", 3600, minimum=300)

# Staff second factor (docs/decisions/0011): a confirmed TOTP device, checked at every login
# at the desk and the admin. Wrong codes back off exponentially: 1, 2, 4, 8 … seconds times
# the factor, counted per device.
STAFF_OTP_REQUIRED = environment.staff_otp_required(ENV)
OTP_TOTP_ISSUER = "Samenbieb"
OTP_TOTP_THROTTLE_FACTOR = 1

SAMENBIEB = {
    # How far ahead the calendar looks for an open day before it gives up.
    "CALENDAR_HORIZON_DAYS": ENV.integer("SAMENBIEB_CALENDAR_HORIZON_DAYS", 366, minimum=7),
    # Circulation: open charges above this amount (euros) block lending and renewing.
    "CHARGES_BLOCK_THRESHOLD": ENV.text("SAMENBIEB_CHARGES_BLOCK_THRESHOLD", "10.00"),
    # Days a copy waits on the hold shelf (counted to an open day of the pickup branch).
    "HOLD_SHELF_DAYS": ENV.integer("SAMENBIEB_HOLD_SHELF_DAYS", 7, minimum=1),
    # A transit not received after this many days is reported as taking too long.
    "TRANSIT_TOO_LONG_DAYS": ENV.integer("SAMENBIEB_TRANSIT_TOO_LONG_DAYS", 7, minimum=1),
    # How many days before the due date the "due soon" notice goes out.
    "DUE_SOON_DAYS": ENV.integer("SAMENBIEB_DUE_SOON_DAYS", 3, minimum=1),
    # Programmes: days after an activity's last session that the name and phone number of
    # someone registered without an account are kept (0: erased by the next nightly run).
    # One day lets staff record attendance and call about a certificate the day after.
    "ANONYMOUS_REGISTRATION_DAYS": ENV.integer(
        "SAMENBIEB_ANONYMOUS_REGISTRATION_DAYS", 1, minimum=0
    ),
    # Programmes: dotted path of a function send(phone, text) that texts people who have a
    # phone but no e-mail address; empty: no SMS gateway, nothing is texted.
    "SMS_BACKEND": ENV.text("SAMENBIEB_SMS_BACKEND", ""),
    # Days a closed referral keeps the person's name and phone number before they are erased.
    "REFERRAL_RETENTION_DAYS": ENV.integer("SAMENBIEB_REFERRAL_RETENTION_DAYS", 30, minimum=1),
    # Cockpit: counts from 1 up to this number are not published (shown as "< 10").
    "COCKPIT_SUPPRESS_BELOW": ENV.integer("SAMENBIEB_COCKPIT_SUPPRESS_BELOW", 10, minimum=1),
    # Cockpit: the national goal of connected users the network's progress is shown against.
    "COCKPIT_NATIONAL_TARGET": ENV.integer(
        "SAMENBIEB_COCKPIT_NATIONAL_TARGET", 8_000_000, minimum=1
    ),
}
# REST API v1 (docs/api.md): requests per client per window; over it, 429 with Retry-After.
API = {
    "RATES": {
        "anonymous": ENV.text("SAMENBIEB_API_RATE_ANONYMOUS", "120/min"),
        "member": ENV.text("SAMENBIEB_API_RATE_MEMBER", "120/min"),
        "staff": ENV.text("SAMENBIEB_API_RATE_STAFF", "600/min"),
    },
}
# Throttle counters, shared by every process: a table in our database (created by the api
# app's migration). At scale, point the "api" alias at Redis (Django's RedisCache).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "api_throttle_cache",
    },
}
# Retention rules (docs/privacy.md), applied by nightly jobs and shown in the processing
# register (/privacy/verwerkingsregister/).
PRIVACY = {
    # A member whose last membership ended (or who registered without one) this many days
    # ago is erased, unless loans or charges are still open.
    "LAPSED_MEMBER_DAYS": ENV.integer("SAMENBIEB_RETENTION_LAPSED_MEMBER_DAYS", 730, minimum=30),
    # Audit events older than this are removed (the chains stay verifiable).
    "AUDIT_DAYS": ENV.integer("SAMENBIEB_RETENTION_AUDIT_DAYS", 5 * 365, minimum=365),
}
# The SIP2 server for self-service machines (samenbieb sip2, docs/sip2.md).
SIP2 = {
    # A connection that sends nothing for this long is closed (kiosks reconnect by themselves).
    "IDLE_TIMEOUT_SECONDS": ENV.integer("SAMENBIEB_SIP2_IDLE_TIMEOUT", 600, minimum=5),
    # A patron's verified PIN is trusted for this long on one connection, then asked again.
    "PATRON_SESSION_SECONDS": ENV.integer("SAMENBIEB_SIP2_PATRON_SESSION", 900, minimum=30),
    # Threads that run circulation services for all connections together.
    "WORKERS": ENV.integer("SAMENBIEB_SIP2_WORKERS", 8, minimum=1),
    # The longest message accepted; a kiosk that sends more is disconnected.
    "MAX_MESSAGE_BYTES": ENV.integer("SAMENBIEB_SIP2_MAX_MESSAGE_BYTES", 8192, minimum=512),
    # PEM files for TLS; `samenbieb serve` serves SIP2 over TLS on its host when both are
    # set, else plain TCP on 127.0.0.1 only.
    "TLS_CERT": ENV.text("SAMENBIEB_SIP2_TLS_CERT", ""),
    "TLS_KEY": ENV.text("SAMENBIEB_SIP2_TLS_KEY", ""),
    "PORT": ENV.integer("SAMENBIEB_SIP2_PORT", 6001, minimum=1),
}
# The portal's public address for links that are printed or mailed (QR codes on posters);
# empty: taken from the request.
PUBLIC_URL = environment.public_url(ENV)
# OAI-PMH (docs/oai-sru.md): the repository's name in record identifiers
# (oai:<this>:<record id>) and the address harvesters write to. Keep the name once chosen:
# harvesters know records by it.
OAI_REPOSITORY_IDENTIFIER = ENV.text("SAMENBIEB_OAI_REPOSITORY", "samenbieb.nl")
OAI_ADMIN_EMAIL = ENV.text("SAMENBIEB_OAI_ADMIN_EMAIL", "catalogus@samenbieb.nl")

# The OpenID Connect provider for members (docs/decisions/0008): Django OAuth Toolkit with
# all five of its models swapped into `identity`, whose resource owner is a member.
OAUTH2_PROVIDER_APPLICATION_MODEL = "identity.ConnectedService"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "identity.AccessToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "identity.RefreshToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "identity.IDToken"  # noqa: S105 - a model name
OAUTH2_PROVIDER_GRANT_MODEL = "identity.Grant"
OIDC_KEY_DIR = environment.oidc_key_dir(ENV, DATA_DIR)
OIDC_SIGNING_KEYS = environment.oidc_signing_keys(OIDC_KEY_DIR)
OIDC_PAIRWISE_KEY = environment.oidc_pairwise_key(ENV, OIDC_KEY_DIR)
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    # Empty: the issuer is this site's address as the request reached it.
    "OIDC_ISS_ENDPOINT": ENV.text("SAMENBIEB_OIDC_ISSUER", "").rstrip("/"),
    "OIDC_RSA_PRIVATE_KEY": OIDC_SIGNING_KEYS.active,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": OIDC_SIGNING_KEYS.inactive,
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": True,
    "OAUTH2_VALIDATOR_CLASS": "samenbieb.identity.validators.MemberOAuth2Validator",
    "SCOPES_BACKEND_CLASS": "samenbieb.identity.scopes.ServiceScopes",
    # Read by DOT only where the scopes backend is not asked; the backend is the truth.
    "SCOPES": {"openid": "OpenID Connect"},
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    # PKCE for every client, public or confidential; only S256 (the gate below).
    "PKCE_REQUIRED": True,
    # http only in development and tests, and then only for localhost (ConnectedService).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEBUG else ["https"],
    "ALLOW_URI_WILDCARDS": False,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": ENV.integer(
        "SAMENBIEB_OIDC_ACCESS_TOKEN_SECONDS", 600, minimum=60
    ),
    "ID_TOKEN_EXPIRE_SECONDS": 600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": ENV.integer(
        "SAMENBIEB_OIDC_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600, minimum=3600
    ),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    # RFC 9700 (OAuth 2.0 Security Best Current Practice): every gate DOT 3.4 has, on.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

CSRF_FAILURE_VIEW = "samenbieb.core.views.csrf_failure"

# Rate limits (samenbieb/security/ratelimit.py, docs/security.md): "COUNT/WINDOW", counted
# in the database so every worker shares them.
RATE_LIMITS = {
    # Failed staff logins per user name, and per client address over all names.
    "staff_login": ENV.text("SAMENBIEB_RATE_STAFF_LOGIN", "10/15m"),
    "staff_login_address": ENV.text("SAMENBIEB_RATE_STAFF_LOGIN_ADDRESS", "50/15m"),
    # Failed member logins per client address over all names (per name: MEMBER_LOGIN_*).
    "member_login_address": ENV.text("SAMENBIEB_RATE_MEMBER_LOGIN_ADDRESS", "50/15m"),
    # Wrong PINs on one self-service machine over all cards (per card: MEMBER_LOGIN_*).
    "sip2_pin_kiosk": ENV.text("SAMENBIEB_RATE_SIP2_PIN_KIOSK", "30/15m"),
    # Calls of the OpenID Connect token endpoint per client address.
    "oidc_token": ENV.text("SAMENBIEB_RATE_OIDC_TOKEN", "60/1m"),
    # Anonymous bookings of a consultation hour per client address.
    "consult_booking": ENV.text("SAMENBIEB_RATE_CONSULT_BOOKING", "10/1h"),
    # Public JSON APIs per client address.
    "public_api": ENV.text("SAMENBIEB_RATE_PUBLIC_API", "120/1m"),
    # OAI-PMH and SRU requests per client address (a harvest asks one page of 250 records
    # per request: 600/1m lets one harvester take 2,500 records a second).
    "harvest": ENV.text("SAMENBIEB_RATE_HARVEST", "600/1m"),
}
for _scope, _spec in RATE_LIMITS.items():
    if not _spec.replace(" ", "").split("/")[0].isdigit() or _spec.strip()[-1:] not in "smhd":
        raise environment.ConfigError(
            f"SAMENBIEB_RATE_{_scope.upper()}", f"expected COUNT/WINDOW like 10/15m, got {_spec!r}"
        )
# The request header with the client address set by a trusted proxy in front of us
# (e.g. HTTP_X_FORWARDED_FOR); empty: the connection's own address.
RATE_LIMIT_CLIENT_HEADER = ENV.text("SAMENBIEB_CLIENT_ADDRESS_HEADER", "")

# /.well-known/security.txt (RFC 9116).
SECURITY_TXT = {
    "CONTACT": ENV.words("SAMENBIEB_SECURITY_CONTACT", ["mailto:security@samenbieb.localhost"]),
    "EXPIRES_DAYS": ENV.integer("SAMENBIEB_SECURITY_TXT_DAYS", 180, minimum=1),
    "POLICY": ENV.text("SAMENBIEB_SECURITY_POLICY", ""),
    "LANGUAGES": "nl, en",
}
