# Stakemap: one container serving the browser app and /api/v1.

# Build the wheel (with graph._brandes, the compiled analysis kernel) where a C compiler is.
FROM python:3.11-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY app ./app
COPY graph ./graph
COPY api ./api
COPY web ./web
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    STAKEMAP_DATABASE_URL=sqlite:////var/lib/stakemap/stakemap.db

WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels
COPY data ./data

RUN useradd --system --uid 10001 --home /var/lib/stakemap --create-home stakemap
USER stakemap
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=4).status == 200 else 1)"

CMD ["stakemap", "serve", "--host", "0.0.0.0", "--port", "8000"]
