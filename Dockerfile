# milestones-bot: a small image that runs the bot server. Untested here (no Docker engine on the build machine).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/app/data \
    DATABASE_URL=sqlite:////var/lib/milestones/milestones.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY commands ./commands
COPY scheduler ./scheduler
COPY data ./data
RUN pip install --no-cache-dir . \
    && useradd --system --create-home --uid 10001 milestones \
    && mkdir -p /var/lib/milestones \
    && chown milestones /var/lib/milestones

USER milestones
VOLUME ["/var/lib/milestones"]
EXPOSE 3000

# Migrations run at start (`init` is idempotent), then the server.
CMD ["sh", "-c", "milestones-bot init && exec milestones-bot serve"]
