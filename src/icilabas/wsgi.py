"""WSGI entry point (gunicorn icilabas.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icilabas.settings")
application = get_wsgi_application()
