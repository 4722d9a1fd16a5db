#!/usr/bin/env bash
# The one way Touchpoints' processes start: in the container image (Dockerfile, compose.yaml), in
# `make loadtest`, and on an operator's own host. Everything is configured by environment variables
# (docs/operations.md); the first argument says which process this is.
#
#   scripts/entrypoint.sh migrate          apply migrations, then exit
#   scripts/entrypoint.sh web [args]       gunicorn: WEB_PROCESSES x WEB_THREADS on BIND
#   scripts/entrypoint.sh worker [args]    a huey worker; WORKER_PERIODIC=0 for every worker but one
#   scripts/entrypoint.sh manage <cmd>     any manage.py command
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"
command="${1:-web}"
shift || true

case "$command" in
  migrate)
    exec "$PYTHON" manage.py migrate --noinput
    ;;
  web)
    if [ "${MIGRATE_ON_START:-0}" = "1" ]; then
      "$PYTHON" manage.py migrate --noinput
    fi
    exec "$PYTHON" -m gunicorn config.wsgi \
      --bind "${BIND:-0.0.0.0:8000}" \
      --workers "${WEB_PROCESSES:-4}" --threads "${WEB_THREADS:-4}" \
      --access-logfile - --logger-class core.gunicorn_logging.TokenMaskingLogger \
      --log-level "${GUNICORN_LOG_LEVEL:-warning}" \
      "$@"
    ;;
  worker)
    periodic=()
    if [ "${WORKER_PERIODIC:-1}" = "0" ]; then
      periodic=(--no-periodic)
    fi
    exec "$PYTHON" manage.py run_huey --quiet "${periodic[@]}" "$@"
    ;;
  manage)
    exec "$PYTHON" manage.py "$@"
    ;;
  *)
    echo "usage: $0 {migrate|web|worker|manage <command>}" >&2
    exit 64
    ;;
esac
