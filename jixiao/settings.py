"""Settings for every environment, read from the environment (see .env.example).

Defaults suit development: an embedded SQLite database under var/ and the console email backend.
Production uses jixiao.settings_production, which refuses to start with unsafe values.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from jixiao.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("JIXIAO_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-change-me" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DISTRICT_NAME = env_str("JIXIAO_DISTRICT_NAME", "雁江区")
# 附件2: an item's 整改时限 defaults to at least this many working days after the form is drafted.
RECTIFICATION_WORKING_DAYS = env_int("JIXIAO_RECTIFICATION_WORKING_DAYS", 15)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "jixiao.core",
    "jixiao.audit",
    "jixiao.organisations",
    "jixiao.workdays",
    "jixiao.projects",
    "jixiao.notifications",
    "jixiao.jobs",
    "jixiao.funding",
    "jixiao.monitoring",
    "jixiao.adjustments",
    "jixiao.workflow",
    "jixiao.review",
    "jixiao.rectification",
    "jixiao.oversight",
    "jixiao.violations",
    "jixiao.practices",
    "jixiao.dispositions",
    "jixiao.scores",
    "jixiao.loads",
    "jixiao.dashboards",
    "jixiao.reminders",
    "jixiao.demo",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "jixiao.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jixiao.organisations.middleware.PasswordChangeRequiredMiddleware",
    "jixiao.core.request_context.RequestContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# The common widgets are drawn in Python, exactly as their templates would (jixiao/core/widget_rendering.py).
FORM_RENDERER = "jixiao.core.widget_rendering.WidgetRenderer"

ROOT_URLCONF = "jixiao.urls"
WSGI_APPLICATION = "jixiao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jixiao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jixiao.core.context_processors.site",
                "jixiao.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jixiao.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        # A PostgreSQL connection is kept between requests: a new one costs its setup, and every statement
        # of its first request is planned with cold catalogue caches (milliseconds each).
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DATABASE_URL.startswith("sqlite") else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    # Tests use a file too, so that locking behaves as in use (an in-memory database fails fast instead).
    # One file per test process, so that two runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-jixiao-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any statement it estimates as large, which costs seconds on a page's
    # query over a district's projects and saves nothing on statements that finish in milliseconds.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"

# Django's password backend; it reads the signed-in person with their unread notification count.
AUTHENTICATION_BACKENDS = ["jixiao.notifications.auth.SignedInBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Only for one-time passwords (jixiao.organisations.hashers); re-hashed with Argon2 at first sign-in.
    "jixiao.organisations.hashers.OneTimePasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: failures per username and per client address inside the window.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
# Reverse proxies in front of the site that append to X-Forwarded-For (0: clients connect directly).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "jixiao.core.redis_cache.ReusedClientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process's own copies of what it read from the cache lately, for entries whose key names the state
# they belong to (the cockpit's: a change gives them a new key, see dashboards/cockpit_cache.py).
CACHES["process"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "process",
    "OPTIONS": {"MAX_ENTRIES": 100},  # a cockpit entry is 10–100 KB
}
# With the shared cache, a session is read from it (written through to the database); without it (the
# embedded demo, the tests) from the database alone, so that a sign-out holds in every process at once.
SESSION_ENGINE = f"django.contrib.sessions.backends.{'cached_db' if REDIS_URL else 'db'}"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "jixiao" / "locale"]
FORMAT_MODULE_PATH = ["jixiao.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "jixiao" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "jixiao@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Background jobs (exports and other long work): "embedded" runs them in a thread of the web process (no
# other service needed), "celery" hands them to Celery workers through Redis (production), "immediate" runs
# them in the caller after commit (tests).
JOBS_RUNNER = env_str("JIXIAO_JOBS_RUNNER", "embedded")
if JOBS_RUNNER not in {"embedded", "celery", "immediate"}:
    raise ValueError(f"JIXIAO_JOBS_RUNNER must be embedded, celery or immediate, not {JOBS_RUNNER!r}")
# A job running longer than this has lost its process and may be retried.
JOBS_STALE_SECONDS = env_int("JIXIAO_JOBS_STALE_SECONDS", 1800)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Beat replaces the daily cron line of `send_reminders` in production.
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "jixiao.reminders.send_reminders",
        "schedule": crontab(hour=env_int("JIXIAO_REMINDERS_HOUR", 8), minute=0),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a request without credentials is answered 401 with how to authenticate.
        "jixiao.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["jixiao.api.permissions.TokenScopes"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "jixiao.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "jixiao.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "jixiao.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "预算绩效运行监控系统接口",
    "DESCRIPTION": (
        "读取本机构可见的机构、项目、指标、支付、监控周期、监控分析表、报送材料、综合意见反馈表和整改事项；"
        "填报监控分析表并办理报送材料的流转。浏览器登录后使用会话（须带 CSRF 令牌），"
        "其他系统使用系统管理员发放的接口令牌（Authorization: Bearer 令牌）。金额单位为元。"
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "jixiao.api.schema.bound_path_ids",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CycleStatusEnum": "jixiao.monitoring.models.CycleStatus",
        "SubmissionStateEnum": "jixiao.workflow.models.SubmissionState",
        "FeedbackStateEnum": "jixiao.review.models.FeedbackState",
        "RectificationStateEnum": "jixiao.rectification.models.RectificationState",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
