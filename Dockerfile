# Image for web, worker and beat of docker-compose.yml (Debian 12 base, as on municipal servers).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fontconfig fonts-dejavu-core fonts-paratype gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shnor_portal shnor_portal
COPY accounts accounts
COPY registry registry
COPY roadmaps roadmaps
COPY support support
COPY reports reports
RUN pip install --no-cache-dir .
COPY . .
RUN django-admin compilemessages --ignore=.venv \
 && useradd --system --home /app shnor && mkdir -p /var/lib/shnor && chown shnor /var/lib/shnor
USER shnor
EXPOSE 8000
