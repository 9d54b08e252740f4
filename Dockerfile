FROM node:20-bookworm-slim AS static
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=abr.settings.production
WORKDIR /app
RUN useradd --system --create-home abr
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=static /app/node_modules ./node_modules
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/x.db \
    python manage.py collectstatic --noinput
USER abr
EXPOSE 8000
CMD ["gunicorn", "abr.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
