"""Django settings, read from the environment.

SQLite in ``./var`` unless ``DATABASE_URL`` is set."""

from __future__ import annotations

import json
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from dukcapil.env import data_dir, env_bool, env_int, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or "insecure-demo-key-" + str(DATA_DIR)  # noqa: S105
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")]
PORT = env_int("PORT", 8000)

INSTALLED_APPS = [
    # The admin site requires a second factor (accounts.admin.StaffAdminSite).
    "dukcapil.accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "dukcapil.core",
    "dukcapil.regions",
    "dukcapil.registry",
    "dukcapil.accounts",
    "dukcapil.catalog",
    "dukcapil.applications",
    "dukcapil.notifications",
    "dukcapil.desk",
    "dukcapil.api",
    "dukcapil.portal",
    "dukcapil.whatsapp",
    "dukcapil.documents",
    "dukcapil.delivery",
    "dukcapil.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dukcapil.core.middleware.IndonesianByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "dukcapil.core.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dukcapil.urls"
WSGI_APPLICATION = "dukcapil.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite in DUKCAPIL_DATA_DIR by default; PostgreSQL (psycopg 3, pooled) with
# DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 2),
            "max_size": env_int("DATABASE_POOL_MAX", 20),
            "timeout": 10,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "dukcapil.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Language: Indonesian by default, English complete.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
# Each app keeps its own catalogue in <app>/locale (``make messages``).
LOCALE_PATHS: list[str] = []
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "files"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

OTP_TOTP_ISSUER = "Dukcapil Daring"

# Lockout (django-axes): after 5 failed passwords or second-factor codes for one username from one
# address, that pair waits 15 minutes. Username+address, so that one office behind one address is
# not locked out by a colleague, and a stranger cannot lock out a named official from elsewhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Reverse proxies in front of the web server that append to X-Forwarded-For (core.net.client_ip):
# every throttle and the staff lockout count the address the outermost of them saw.
DUKCAPIL_TRUSTED_PROXIES = env_int("DUKCAPIL_TRUSTED_PROXIES", 0)

AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_CLIENT_IP_CALLABLE = "dukcapil.core.net.client_ip"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Background work: jobs are rows written in the same transaction as the change that caused them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The province this deployment serves (Kemendagri code) and where its keys live.
DUKCAPIL_PROVINCE_CODE = env_str("DUKCAPIL_PROVINCE_CODE", "36")
DUKCAPIL_KEY_DIR = DATA_DIR / "keys"
# Dotted path of the registry gateway (local tables by default; a SIAK connector may replace it).
DUKCAPIL_REGISTRY_GATEWAY = env_str(
    "DUKCAPIL_REGISTRY_GATEWAY", "dukcapil.registry.gateway.LocalRegistryGateway"
)
# Identity check of citizens (applications.identity): wrong answers allowed per window.
DUKCAPIL_IDENTITY_WINDOW_MINUTES = env_int("DUKCAPIL_IDENTITY_WINDOW_MINUTES", 15)
DUKCAPIL_IDENTITY_MAX_FAILURES_PER_NIK = env_int("DUKCAPIL_IDENTITY_MAX_FAILURES_PER_NIK", 5)
DUKCAPIL_IDENTITY_MAX_FAILURES_PER_IP = env_int("DUKCAPIL_IDENTITY_MAX_FAILURES_PER_IP", 30)
DUKCAPIL_IDENTITY_MAX_FAILURES_PER_PHONE = env_int("DUKCAPIL_IDENTITY_MAX_FAILURES_PER_PHONE", 10)
# Uploads (applications.uploads): images with more pixels are refused before decoding.
DUKCAPIL_UPLOAD_MAX_PIXELS = env_int("DUKCAPIL_UPLOAD_MAX_PIXELS", 30_000_000)

# Effects of a workflow transition owned by other apps, run inside the transition's transaction
# (see applications.workflow._record): each is ``f(*, event, application)``.
DUKCAPIL_TRANSITION_EFFECTS: list[str] = [
    "dukcapil.notifications.effects.queue_on_transition",
    "dukcapil.dashboard.rollups.record_transition",
    "dukcapil.documents.effects.on_transition",
]

# Panels of other apps on the citizen's status page (portal.selectors.extra_panels).
DUKCAPIL_PORTAL_STATUS_PANELS = [
    "dukcapil.documents.selectors.status_panel",
    "dukcapil.delivery.selectors.status_panel",
]

# WhatsApp Business Cloud API (whatsapp and notifications apps). With WHATSAPP_API_BASE_URL unset
# the client talks to the local fake Graph server (``dukcapil fake_graph``) with demo secrets.
WHATSAPP_FAKE_PORT = env_int("WHATSAPP_FAKE_PORT", 8025)
WHATSAPP_API_BASE_URL = env_str("WHATSAPP_API_BASE_URL")
WHATSAPP_USES_FAKE = not WHATSAPP_API_BASE_URL
WHATSAPP_API_BASE_URL = WHATSAPP_API_BASE_URL or f"http://127.0.0.1:{WHATSAPP_FAKE_PORT}"
WHATSAPP_API_VERSION = env_str("WHATSAPP_API_VERSION", "v25.0")
_wa_demo = WHATSAPP_USES_FAKE  # demo secrets only ever go to the local fake
WHATSAPP_APP_SECRET = env_str("WHATSAPP_APP_SECRET", "demo-app-secret" if _wa_demo else "")
WHATSAPP_VERIFY_TOKEN = env_str("WHATSAPP_VERIFY_TOKEN", "demo-verify-token" if _wa_demo else "")
WHATSAPP_ACCESS_TOKEN = env_str("WHATSAPP_ACCESS_TOKEN", "demo-access-token" if _wa_demo else "")
WHATSAPP_PHONE_NUMBER_ID = env_str("WHATSAPP_PHONE_NUMBER_ID", "100000000000001")
# Throughput of the business number (Meta: 80 messages/s by default, up to 1,000 when upgraded)
# and the least time between two messages to one recipient.
WHATSAPP_MESSAGES_PER_SECOND = max(1, min(env_int("WHATSAPP_MESSAGES_PER_SECOND", 80), 1000))
WHATSAPP_RECIPIENT_SPACING_MS = env_int("WHATSAPP_RECIPIENT_SPACING_MS", 1000)
# A notification whose send was cut off before its bookkeeping is resent only if no status
# webhook for it arrived within this time.
WHATSAPP_STATUS_GRACE_SECONDS = env_int("WHATSAPP_STATUS_GRACE_SECONDS", 300)
WHATSAPP_PORTAL_URL = env_str("WHATSAPP_PORTAL_URL", f"http://127.0.0.1:{PORT}")

# Delivery by post (delivery app). The courier: "pos" speaks the HTTP contract of
# delivery/POS_API.md; with POS_API_BASE_URL unset it talks to the local fake Pos server
# (``dukcapil fake_pos``) with demo secrets. "manual": officers record resi and events by hand.
# Fees per regency code, e.g. DELIVERY_FEES='{"36.73": {"amount": 10000, "payer": "recipient"}}'
# (payer: office or recipient); a regency not listed ships free.
DELIVERY_PROVIDER = env_str("DELIVERY_PROVIDER", "pos")
DELIVERY_PROVIDERS = {
    "pos": "dukcapil.delivery.providers.pos.PosProvider",
    "manual": "dukcapil.delivery.providers.manual.ManualProvider",
}
POS_FAKE_PORT = env_int("POS_FAKE_PORT", 8765)
POS_API_BASE_URL = env_str("POS_API_BASE_URL")
POS_USES_FAKE = not POS_API_BASE_URL
POS_API_BASE_URL = POS_API_BASE_URL or f"http://127.0.0.1:{POS_FAKE_PORT}"
_pos_demo = POS_USES_FAKE  # demo secrets only ever go to the local fake
POS_API_TOKEN = env_str("POS_API_TOKEN", "demo-pos-token" if _pos_demo else "")
POS_WEBHOOK_SECRET = env_str("POS_WEBHOOK_SECRET", "demo-pos-webhook-secret" if _pos_demo else "")
# Our /webhooks/pos as Pos must call it (sent with each booking).
POS_CALLBACK_URL = env_str(
    "POS_CALLBACK_URL", f"http://127.0.0.1:{PORT}/webhooks/pos" if _pos_demo else ""
)
POS_API_TIMEOUT = env_int("POS_API_TIMEOUT", 10)
POS_POLL_FIRST_MINUTES = env_int("POS_POLL_FIRST_MINUTES", 30)
POS_POLL_MAX_MINUTES = env_int("POS_POLL_MAX_MINUTES", 12 * 60)
DELIVERY_FEES = json.loads(env_str("DELIVERY_FEES") or "{}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Issued documents (documents app): signing keys, numbering, public verification, cards.
# Key store: PKCS#12 files in DOCUMENTS_KEY_DIR (a demo CA creates them on a demo machine), or an
# HSM with "dukcapil.documents.keystore.Pkcs11KeyStore" (see the README, "Kunci penandatangan").
DOCUMENTS_KEY_STORE = env_str("DOCUMENTS_KEY_STORE", "dukcapil.documents.keystore.Pkcs12KeyStore")
DOCUMENTS_KEY_DIR = Path(env_str("DOCUMENTS_KEY_DIR") or DATA_DIR / "signing")
DOCUMENTS_PKCS12_PASSPHRASE = env_str("DOCUMENTS_PKCS12_PASSPHRASE", "demo-passphrase")
DOCUMENTS_CREATE_DEMO_KEYS = env_bool("DOCUMENTS_CREATE_DEMO_KEYS", True)
DOCUMENTS_TRUST_ROOTS = [p for p in env_str("DOCUMENTS_TRUST_ROOTS").split(",") if p]
DOCUMENTS_PKCS11_MODULE = env_str("DOCUMENTS_PKCS11_MODULE")
DOCUMENTS_PKCS11_TOKEN = env_str("DOCUMENTS_PKCS11_TOKEN")
DOCUMENTS_PKCS11_PIN = env_str("DOCUMENTS_PKCS11_PIN")
DOCUMENTS_PKCS11_KEY_LABEL = env_str("DOCUMENTS_PKCS11_KEY_LABEL", "office-{office}")
# The address printed in each QR code (the public verification page of this deployment).
DOCUMENTS_PUBLIC_URL = env_str("DOCUMENTS_PUBLIC_URL", f"http://127.0.0.1:{PORT}")
# Number formats per document type: {regency} (digits), {date:%d%m%Y} and {serial:04d}.
DOCUMENTS_NUMBER_FORMATS = {
    "kk": "KK-{regency}-{date:%d%m%Y}-{serial:04d}",
    "akta_kelahiran": "{regency}-LT-{date:%d%m%Y}-{serial:04d}",
    "akta_kematian": "{regency}-KM-{date:%d%m%Y}-{serial:04d}",
    "skpwni": "SKPWNI/{regency}/{date:%d%m%Y}/{serial:04d}",
    "akta_perkawinan": "{regency}-KW-{date:%d%m%Y}-{serial:04d}",
    "akta_perceraian": "{regency}-CR-{date:%d%m%Y}-{serial:04d}",
    "receipt": "TT/{regency}/{date:%d%m%Y}/{serial:05d}",
}
DOCUMENTS_DOWNLOAD_LINK_SECONDS = env_int("DOCUMENTS_DOWNLOAD_LINK_SECONDS", 600)
DOCUMENTS_VERIFY_LIMIT = env_int("DOCUMENTS_VERIFY_LIMIT", 30)  # requests per client per window
DOCUMENTS_VERIFY_WINDOW_SECONDS = env_int("DOCUMENTS_VERIFY_WINDOW_SECONDS", 600)
DOCUMENTS_MAX_UPLOAD_BYTES = env_int("DOCUMENTS_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
DOCUMENTS_CARD_LOW_STOCK = env_int("DOCUMENTS_CARD_LOW_STOCK", 100)
