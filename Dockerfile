# Impact: one image for every process. compose.yaml runs it as the web app (`impact serve`),
# the workers (`impact worker`), the clock (`impact scheduler`) and the migration
# (`impact db upgrade`). Configuration comes from the environment at run time (.env in
# compose): nothing secret is in the image.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLCONFIGDIR=/tmp/matplotlib

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY integrations ./integrations
COPY storage ./storage
RUN pip install . \
    && useradd --create-home --uid 10001 --user-group impact

USER impact
# the web app (PORT), and the job metrics of `impact worker` (IMPACT_METRICS_PORT)
EXPOSE 3000 9191
CMD ["impact", "serve"]
