# The Maillage API, for docker-compose (Neo4j backend). The embedded ArcadeDB backend is for
# machines without Docker; this image talks to the `neo4j` service.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY api ./api
COPY cli ./cli
COPY graph_model ./graph_model
COPY importers ./importers
COPY queries ./queries
COPY web ./web
RUN pip install . && useradd --system --home /var/lib/maillage maillage \
    && mkdir -p /var/lib/maillage && chown maillage /var/lib/maillage

USER maillage
EXPOSE 8000
CMD ["maillage", "serve"]
