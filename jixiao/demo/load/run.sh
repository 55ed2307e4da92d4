#!/usr/bin/env bash
# `make load`: the deadline day against gunicorn + PostgreSQL on the loopback, then the check.
# The database: DATABASE_URL (seeded with the demo district when empty), else jixiao_bench if it exists,
# else a throwaway one seeded with the demo district and dropped at the end.
# USERS, SPAWN_RATE, RUN_TIME, DATABASE_URL, WORKER_CLASS, WORKERS, THREADS come from make (see the Makefile).
set -euo pipefail
cd "$(dirname "$0")/../../.."

PY=.venv/bin/python
OUT=var/load
mkdir -p "$OUT"
rm -f "$OUT"/acks.jsonl "$OUT"/stats_*.csv
export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
pg_isready -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start

throwaway=""
if [ -z "${DATABASE_URL:-}" ]; then
  if psql -Atc "SELECT 1 FROM pg_database WHERE datname = 'jixiao_bench'" | grep -q 1; then
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jixiao_bench
  else
    throwaway="jixiao_load_$$"
    createdb "$throwaway"
    DATABASE_URL="postgres://postgres@127.0.0.1:5432/$throwaway"
  fi
fi
export DATABASE_URL SECRET_KEY=load-test-only-not-secret DEBUG=0 DATABASE_CONN_MAX_AGE=60

server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$throwaway" ]; then dropdb --if-exists "$throwaway"; fi
}
trap cleanup EXIT

$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
# An empty database (a throwaway one, or CI's) gets the demo district.
if [ "$($PY manage.py shell -v 0 -c 'from jixiao.projects.models import Project; print(Project.objects.exists())')" = False ]; then
  $PY manage.py seed_demo >"$OUT/seed.log"
fi
$PY manage.py load_prepare --users "$USERS" --plan "$OUT/plan.json"

port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/gunicorn jixiao.wsgi:application --bind "127.0.0.1:$port" \
  --workers "$WORKERS" --worker-class "$WORKER_CLASS" --threads "$THREADS" --timeout 60 --keep-alive 10 \
  --access-logfile - --access-logformat '%(m)s %(U)s %(s)s %(D)s' \
  >"$OUT/gunicorn.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
  curl -fso /dev/null "http://127.0.0.1:$port/accounts/login/" && break
  sleep 1
done

LOAD_PLAN="$OUT/plan.json" LOAD_ACKS="$OUT/acks.jsonl" .venv/bin/locust -f jixiao/demo/load/locustfile.py \
  --headless --host "http://127.0.0.1:$port" --users "$USERS" --spawn-rate "$SPAWN_RATE" \
  --run-time "$RUN_TIME" --stop-timeout 30 --csv "$OUT/stats" --only-summary --loglevel WARNING \
  || true  # locust exits 1 on any failure; the check below reports failures with the rest
kill "$server"; wait "$server" 2>/dev/null || true
server=""
$PY manage.py load_check --plan "$OUT/plan.json" --acks "$OUT/acks.jsonl" --stats "$OUT/stats_stats.csv" \
  --server-log "$OUT/gunicorn.log"
