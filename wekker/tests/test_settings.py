"""Settings read the environment and fail loudly on a bad value."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent


# Every variable the settings read: a value from the caller's environment (CI sets SECRET_KEY,
# DATABASE_URL…) must not hide the one a test gives.
SETTINGS_VARIABLES = set(
    re.findall(r'(?:getenv|env_\w+)\("([A-Z_]+)"', (BASE_DIR / "wekker" / "settings.py").read_text())
)


def run(code, **env):
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES or k == "WEKKER_VAR_DIR"}
    environment.update(env, DJANGO_SETTINGS_MODULE="wekker.settings")
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=environment, capture_output=True, text=True)


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"DEBUG": "false"}, "SECRET_KEY must be set"),
        ({"EMAIL_URL": "pigeon://loft"}, "EMAIL_URL has an unknown scheme"),
        ({"CELERY_BROKER_URL": "carrier://x"}, "CELERY_BROKER_URL has an unknown scheme"),
        ({"REMINDER_DISPATCH_INTERVAL": "often"}, "REMINDER_DISPATCH_INTERVAL must be an integer"),
    ],
)
def test_it_fails_loudly_on_a_bad_value(env, message):
    result = run("import django; django.setup()", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_it_reads_the_services_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT)"
    )
    result = run(
        code,
        DATABASE_URL="postgres://u:p@db.example:5432/wekker",
        CELERY_BROKER_URL="redis://cache:6379/0",
        EMAIL_URL="smtp+tls://user:secret@smtp.example.org:587",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "redis://cache:6379/0",
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "587",
    ]


def test_it_stores_documents_in_a_bucket_when_one_is_named():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "o = s.STORAGES['default'].get('OPTIONS', {}); "
        "print(s.STORAGES['default']['BACKEND'], o.get('bucket_name'), o.get('endpoint_url'), o.get('default_acl'))"
    )
    result = run(code, MEDIA_S3_BUCKET="wekker-docs", MEDIA_S3_ENDPOINT_URL="https://s3.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "wekker-docs",
        "https://s3.example.org",
        "private",
    ]
    result = run(code)
    assert result.stdout.split()[0] == "django.core.files.storage.FileSystemStorage"


def test_it_shares_the_login_counters_through_redis_when_there_is_one():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'])"
    )
    result = run(code, CELERY_BROKER_URL="redis://cache:6379/0")
    # Not the broker's database: clearing the cache must not empty the task queue.
    assert result.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "redis://cache:6379/1"]
    result = run(code, CACHE_URL="memcached://nope")
    assert "CACHE_URL must be" in result.stderr


def test_it_defaults_to_the_embedded_setup(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    result = run(code, WEKKER_VAR_DIR=str(tmp_path))
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.filebased.EmailBackend",
        "fr",
        "Europe/Paris",
    ]


def test_it_passes_the_deployment_checks_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DEBUG": "false",
            "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-0123456789",
            "ALLOWED_HOSTS": "wekker.example.org",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "wekker.example.org"}
PROXY_HEADER = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
)


def test_it_trusts_the_forwarded_protocol_only_when_a_proxy_is_declared():
    assert run(PROXY_HEADER, **PRODUCTION).stdout.strip() == "None"
    assert run(PROXY_HEADER, **PRODUCTION, TRUSTED_PROXY_COUNT="0").stdout.strip() == "None"
    declared = run(PROXY_HEADER, **PRODUCTION, TRUSTED_PROXY_COUNT="1").stdout.strip()
    assert declared == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_it_refuses_a_lease_shorter_than_three_smtp_timeouts():
    result = run("import django; django.setup()", DELIVERY_LEASE_SECONDS="30", EMAIL_TIMEOUT="20")
    assert result.returncode != 0 and "DELIVERY_LEASE_SECONDS must be at least" in result.stderr


def test_it_keeps_pages_only_in_a_cache_every_process_shares():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.PAGE_CACHE_SECONDS)"
    assert run(code).stdout.split() == ["0"]  # each process's memory: a write elsewhere would not reach it
    assert run(code, CELERY_BROKER_URL="redis://cache:6379/0").stdout.split() == ["60"]
    assert run(code, CACHE_URL="redis://cache:6379/3", PAGE_CACHE_SECONDS="0").stdout.split() == ["0"]


def test_it_shows_the_debug_toolbar_only_when_asked_and_debugging():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG_TOOLBAR, 'debug_toolbar' in s.INSTALLED_APPS)"
    )
    assert run(code).stdout.split() == ["False", "False"]
    assert run(code, DEBUG_TOOLBAR="true").stdout.split() == ["True", "True"]
    production = {"DEBUG": "false", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "wekker.example"}
    assert run(code, DEBUG_TOOLBAR="true", **production).stdout.split() == ["False", "False"]
