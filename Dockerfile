# arledger: one image for every role — API processes (`arledger serve --workers N`), the projection worker
# (`arledger project`) and the outbox worker (`arledger outbox run`) — configured by ARLEDGER_* variables only.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY ledger ./ledger
COPY projections ./projections
COPY graphql_api ./graphql_api
COPY replay ./replay
COPY services ./services
COPY adapters ./adapters
COPY policies ./policies
COPY arledger ./arledger
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin arledger \
    && mkdir -p /data/letters && chown -R arledger /data

USER arledger
ENV ARLEDGER_HOST=0.0.0.0 \
    ARLEDGER_PORT=8000 \
    ARLEDGER_DATABASE_URL=sqlite:////data/arledger.db \
    ARLEDGER_LETTER_DIR=/data/letters \
    ARLEDGER_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8000

# Liveness of the API process; orchestrators should gate traffic on /readyz (read models caught up).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('ARLEDGER_PORT', '8000'), timeout=2)"

CMD ["arledger", "serve"]
