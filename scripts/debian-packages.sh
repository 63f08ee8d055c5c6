#!/usr/bin/env bash
# Debian packages the stack needs: python3-venv for the .venv; Pango and fonts for WeasyPrint (PT Sans covers Cyrillic),
# poppler-utils to look at rendered PDFs, gettext for translations, Chromium for browser tests, and pg_dump/pg_restore
# of PostgreSQL 15 (the server's version: Debian 12's and docker-compose's) for make backup / make restore.
# Installs only what is missing, and only as root; otherwise says what to install.
set -euo pipefail
PACKAGES=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core
          fonts-paratype poppler-utils gettext chromium postgresql-client-15)

command -v dpkg-query >/dev/null || { echo "Not a Debian system: install ${PACKAGES[*]} yourself." >&2; exit 0; }
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  # Not root: the portal itself still runs; PDFs, translations or browser tests may not.
  echo "WARNING: missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
