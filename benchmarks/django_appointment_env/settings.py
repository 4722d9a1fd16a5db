"""The smallest Django project django-appointment runs in, for benchmarks/bench_django_appointment.py.

Its own SQLite file (DA_BENCH_DB), the practice's time zone (DA_BENCH_TIME_ZONE), no django-q (no
reminders are scheduled), DEBUG off so no query log slows it down.
"""

import os

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = os.environ.get("DA_BENCH_TIME_ZONE", "America/Chicago")
LANGUAGE_CODE = "en-us"
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "appointment",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DA_BENCH_DB"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "appointment.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {}}]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
