# Image for web, worker and beat of docker-compose.yml (Debian 12 base, as on municipal servers).
# postgresql-client-15 matches the postgres:15 service, so that `manage.py backup` runs in the image.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_STATIC_ROOT=/var/lib/shnor/static DJANGO_MEDIA_ROOT=/var/lib/shnor/media \
    DJANGO_BACKUP_ROOT=/var/lib/shnor/backups
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fontconfig fonts-dejavu-core fonts-paratype gettext postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY shnor_portal shnor_portal
COPY accounts accounts
COPY registry registry
COPY roadmaps roadmaps
COPY support support
COPY reports reports
RUN pip install --no-cache-dir -c requirements.lock .
COPY manage.py ./
COPY templates templates
COPY static static
COPY locale locale
COPY fixtures fixtures
# Static files and translations are built into the image, so web, worker and beat share them.
# The key below exists only for this build step; the running containers get theirs from the environment.
RUN django-admin compilemessages --ignore=.venv \
 && DJANGO_SECRET_KEY=build-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    python manage.py collectstatic --no-input -v 0 \
 && useradd --system --home /app shnor \
 && mkdir -p /var/lib/shnor/media /var/lib/shnor/backups \
 && chmod 0700 /var/lib/shnor/backups \
 && chown -R shnor /var/lib/shnor
USER shnor
EXPOSE 8000
