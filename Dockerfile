# milestones-bot: a small image that runs the bot server. Built here with podman (see README, "Container").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////var/lib/milestones/milestones.db

# What the package build reads (tests/packaging/test_dockerfile.py checks this list against the wheel's).
COPY pyproject.toml setup.py README.md /src/
COPY bot /src/bot
COPY commands /src/commands
COPY scheduler /src/scheduler
COPY data /src/data
COPY teams /src/teams
COPY slack /src/slack

# The shipped data, manifests and migrations travel inside the installed package: the sources can go.
RUN pip install --no-cache-dir /src \
    && rm -rf /src \
    && useradd --system --create-home --uid 10001 milestones \
    && mkdir -p /var/lib/milestones \
    && chown 10001 /var/lib/milestones

WORKDIR /var/lib/milestones
USER 10001
VOLUME ["/var/lib/milestones"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]

# Migrations run at start (`init` is idempotent), then the server.
CMD ["sh", "-c", "milestones-bot init && exec milestones-bot serve"]
