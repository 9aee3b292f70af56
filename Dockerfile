# One image for the web process (gunicorn) and the Celery worker; see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=crm.settings_production \
    DATA_DIR=/data

WORKDIR /app
COPY . .
# Pango and a font with Cyrillic: WeasyPrint renders the quote and invoice PDFs with them.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends npm \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null \
 && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
 && pip install -e . \
 && for po in locale/*/LC_MESSAGES/*.po; do pybabel -q compile -i "$po" -o "${po%.po}.mo"; done \
 && SECRET_KEY=collectstatic-only-build-time-key-not-used-at-run-time-0123456789 \
    ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input \
 && useradd --system --uid 1000 crm \
 && mkdir -p /data \
 && chown crm /data

USER crm
EXPOSE 8000
CMD ["gunicorn", "crm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
