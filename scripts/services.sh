#!/usr/bin/env bash
# Makes sure the local PostgreSQL and Redis that the tests use are running:
# starts them when installed but stopped, installs them with apt when missing (as root),
# and otherwise stops with a clear message.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; }
is_root() { [ "$(id -u)" -eq 0 ]; }

need_root() {
  echo "$1 is not running on 127.0.0.1 and this user cannot install or start it." >&2
  echo "Start it (or run 'make test' as root), then try again." >&2
  exit 1
}

wait_for() {  # name check
  for _ in $(seq 1 30); do "$2" && return 0; sleep 1; done
  echo "$1 did not come up on 127.0.0.1 within 30 s." >&2
  exit 1
}

if ! pg_up; then
  is_root || need_root PostgreSQL
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    echo "Installing PostgreSQL"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  # Tests connect as postgres over TCP without a password: trust on loopback only.
  if ! grep -q "shnor-portal" "$hba"; then
    sed -i '1i host all postgres 127.0.0.1/32 trust # shnor-portal tests\nhost all postgres ::1/128 trust # shnor-portal tests' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_for PostgreSQL pg_up
fi

if ! redis_up; then
  is_root || need_root Redis
  if ! command -v redis-server >/dev/null; then
    echo "Installing Redis"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server
  fi
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis_up
fi
echo "PostgreSQL and Redis are up on 127.0.0.1"
