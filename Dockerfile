# Touchpoints' image: the web and worker processes, started by scripts/entrypoint.sh exactly as
# `make loadtest` and an operator's own host start them (docs/operations.md, "Containers").
#
#   docker build -t touchpoints .
#   docker run --rm -e SECRET_KEY=... -p 8000:8000 touchpoints web
#
# PYTHON_IMAGE: the base image (a mirror of python:3.12-slim-bookworm, say). Bookworm's
# postgresql-client is 15, the PostgreSQL major that compose.yaml runs: pg_dump must be at least
# the server's version for `manage.py backup`.
ARG PYTHON_IMAGE=python:3.12-slim-bookworm
FROM ${PYTHON_IMAGE}

# A package index other than PyPI for `pip install` (a mirror), only when given as a build argument.
ARG PIP_INDEX_URL
ARG PIP_EXTRA_INDEX_URL
ARG PIP_TRUSTED_HOST

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 touchpoints \
    && useradd --system --uid 10001 --gid touchpoints --home-dir /app --shell /usr/sbin/nologin touchpoints

WORKDIR /app
COPY requirements.txt ./
RUN python -m venv /opt/venv && pip install -r requirements.txt

# The code belongs to root and is read-only for the app; what it writes goes to /data (a volume).
COPY . .
ENV TOUCHPOINTS_VAR_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    PYTHON=python
# Static files are collected once, into the image (WhiteNoise serves them). The key only lets
# settings load during the build; a running container needs its own SECRET_KEY.
RUN SECRET_KEY=collectstatic-only TOUCHPOINTS_VAR_DIR=/tmp/build-var \
        python manage.py collectstatic --noinput --verbosity 0 \
    && rm -rf /tmp/build-var \
    && mkdir -p /data \
    && chown touchpoints:touchpoints /data

USER touchpoints
EXPOSE 8000
ENTRYPOINT ["scripts/entrypoint.sh"]
CMD ["web"]
