#!/usr/bin/env bash
# Makes sure the local PostgreSQL and Redis that the tests use are running and reachable:
# starts them when installed but stopped, installs them with apt when missing (as root),
# lets the tests' user in on loopback, and otherwise stops with a clear message.
# Usage: scripts/services.sh [DATABASE_URL]   (default postgres://postgres@127.0.0.1:5432/shnor_portal)
set -euo pipefail
DATABASE_URL=${1:-postgres://postgres@127.0.0.1:5432/shnor_portal}
# Connect to the maintenance database: the portal's own database need not exist (pytest creates test_*).
ADMIN_URL=${DATABASE_URL%/*}/postgres

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
pg_login() { psql "$ADMIN_URL" -w -tAc 'select 1' >/dev/null 2>&1; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; }
is_root() { [ "$(id -u)" -eq 0 ]; }
apt_install() {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}
fail() { echo "$*" >&2; exit 1; }
wait_for() {  # name check
  for _ in $(seq 1 30); do "$2" && return 0; sleep 1; done
  fail "$1 did not come up on 127.0.0.1 within 30 s."
}
cluster_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

if ! pg_up; then
  is_root || fail "PostgreSQL is not running on 127.0.0.1:5432 and this user cannot start or install it. Start it (or run 'make test' as root)."
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(cluster_version)" ]; then
    echo "Installing PostgreSQL"
    apt_install postgresql
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(cluster_version)" main start || true
  wait_for PostgreSQL pg_up
fi

if ! pg_login; then
  version=$(cluster_version)
  if is_root && [ -n "$version" ] && [[ "$DATABASE_URL" == postgres://postgres@127.0.0.1* ]]; then
    # A stock Debian cluster asks for a password on TCP: trust the postgres user on loopback only.
    hba=/etc/postgresql/$version/main/pg_hba.conf
    if ! grep -q "shnor-portal tests" "$hba"; then
      sed -i '1i host all postgres 127.0.0.1/32 trust # shnor-portal tests\nhost all postgres ::1/128 trust # shnor-portal tests' "$hba"
    fi
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    wait_for "PostgreSQL login" pg_login
  else
    fail "PostgreSQL on 127.0.0.1 is up but refuses $ADMIN_URL. Allow that login or set TEST_DATABASE_URL=postgres://user:password@127.0.0.1:5432/shnor_portal."
  fi
fi

if ! redis_up; then
  is_root || fail "Redis is not running on 127.0.0.1:6379 and this user cannot start or install it. Start it (or run 'make test' as root)."
  command -v redis-server >/dev/null || { echo "Installing Redis"; apt_install redis-server; }
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis_up
fi
echo "PostgreSQL and Redis are up on 127.0.0.1"
