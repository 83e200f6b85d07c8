# One image for every Lookout service of docker-compose.yml (api, worker, dashboard, simulator).
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    # The configs are not part of the installed package: point every command at the copy below.
    LOOKOUT_CONFIG_DIR=/app/configs

WORKDIR /app
COPY pyproject.toml README.md ./
COPY services ./services
COPY pipelines ./pipelines
COPY simulators ./simulators
COPY dashboards ./dashboards
COPY configs ./configs
# CPU-only torch: the CUDA build is ~3 GB and Lookout never uses a GPU.
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu . \
    && useradd --create-home --uid 10001 lookout \
    && mkdir -p /data /app/var && chown lookout /data /app/var
USER lookout

EXPOSE 8000 8501
CMD ["lookout", "serve", "--host", "0.0.0.0", "--port", "8000"]
