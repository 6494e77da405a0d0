#!/usr/bin/env bash
# Makes sure the real peers the tests talk to are installed and running on this machine:
# PostgreSQL (Medusa's test runner), Redis, Tryton ERP (Debian's tryton-server 6.0) and Chromium (admin UI tests).
# Idempotent and quick when everything is there. Installs with apt-get when run as root; otherwise says what is missing.
set -uo pipefail

say() { echo "[peers] $*"; }
missing=0

if ! pg_isready -h localhost -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h localhost -q && break; sleep 0.5; done
  fi
  pg_isready -h localhost -q 2>/dev/null || { say "PostgreSQL is not reachable on localhost:5432 (set DB_HOST/DB_USERNAME/DB_PASSWORD)"; missing=1; }
fi

if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && command -v redis-server >/dev/null; then
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >/dev/null 2>&1 || true
fi

packages=()
command -v trytond >/dev/null || packages+=(tryton-server tryton-modules-sale tryton-modules-stock tryton-modules-product \
  tryton-modules-account tryton-modules-party tryton-modules-company)
command -v chromium >/dev/null || packages+=(chromium)
if [ ${#packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${packages[*]} (Debian packages)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null \
      || { say "apt-get install failed"; missing=1; }
  else
    say "missing: ${packages[*]} — install them with: sudo apt-get install ${packages[*]}"
    missing=1
  fi
fi

exit $missing
