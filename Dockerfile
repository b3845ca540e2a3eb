FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
 && SECRET_KEY=collectstatic-only-build-key-never-used-to-serve \
    RESEARCH_ID_KEY=collectstatic-only-build-key-never-used-to-export \
    python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "mentoring.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
