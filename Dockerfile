# syntax=docker/dockerfile:1
# kakawari: one image for every service. The command picks the role:
#   kakawari serve <registry|forum|matching|notify|console> [--port 8000]
#   kakawari streams apply | kakawari migrate <service>
#   kakawari operator create --email <address>   (the first operator; production has no demo data)
# docker-compose.yml and deploy/k8s/ always set the command explicitly. The image runs in
# production mode: KAKAWARI_SECRET_KEY must be set (32+ characters, not an example value).

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------- build stage
FROM ${PYTHON_IMAGE} AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:${PATH}"

WORKDIR /src
COPY . .
# Pinned install: every dependency version comes from the lock/constraints file.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -c constraints.txt .

# -------------------------------------------------------------- runtime stage
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="kakawari" \
      org.opencontainers.image.description="kakawari event-driven services (registry, forum, matching, notify, console)"

# HOST: the code binds 127.0.0.1 unless told otherwise; a container must listen
# on all interfaces for published ports and kubelet probes to reach it.
ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    KAKAWARI_ENV=production \
    LOG_LEVEL=INFO

# Fixed numeric uid/gid so Kubernetes runAsNonRoot can verify it.
RUN groupadd --system --gid 10001 kakawari \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
            --shell /usr/sbin/nologin kakawari

# Everything the app needs (code, Alembic migrations, templates, data files) is
# in the installed package; the source tree stays in the build stage.
COPY --from=build /opt/venv /opt/venv

# ./var is the code's default data dir (only written when DATABASE_URL is missing, e.g. a bare
# `docker run`, or in development for its generated key); let the app user write it.
WORKDIR /app
RUN mkdir -p /app/var && chown 10001:10001 /app/var

USER 10001:10001

EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)" || exit 1

CMD ["kakawari", "--help"]
