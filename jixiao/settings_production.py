"""Production settings: DEBUG off, HTTPS only, secrets required from the environment."""

from django.core.exceptions import ImproperlyConfigured

from jixiao.core.env import env_bool, env_int, env_str
from jixiao.settings import *  # noqa: F403
from jixiao.settings import DEBUG, REDIS_URL, SECRET_KEY

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")

if not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is required: login throttling must be shared by every worker.")

# Background jobs run on Celery workers through Redis (`celery -A jixiao worker`, `celery -A jixiao beat`).
JOBS_RUNNER = env_str("JIXIAO_JOBS_RUNNER", "celery")
if JOBS_RUNNER not in {"celery", "embedded"}:
    raise ImproperlyConfigured(
        "JIXIAO_JOBS_RUNNER must be celery (or embedded for a single-process install)."
    )

TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
