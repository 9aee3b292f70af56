"""DjangoCRM (PyPI ``django-crm-admin``) settings for the side-by-side benchmark.

Imports the package's own project settings (``webcrm.settings``) and overrides only what a
deployment overrides: the database (PostgreSQL, like ours), the secret key, DEBUG off, the hosts
and e-mail (to the local memory backend: nothing leaves the machine). Used as

    PYTHONPATH=$PWD/tests/benchmarks DJANGO_SETTINGS_MODULE=djangocrm.settings \
        DJCRM_DATABASE_URL=postgres://postgres@127.0.0.1:5432/djcrm_bench \
        /tmp/djcrm312/bin/python -P -m django setupdata

(``-P``: run from our checkout, the current folder must stay off the path, or our ``crm``
package would hide DjangoCRM's.)
"""

import os
from urllib.parse import unquote, urlsplit

from webcrm.settings import *  # noqa: F403  (the peer's project settings)

_url = urlsplit(
    os.environ.get("DJCRM_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/djcrm_bench")
)

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _url.path.lstrip("/"),
        "USER": unquote(_url.username or ""),
        "PASSWORD": unquote(_url.password or ""),
        "HOST": _url.hostname or "",
        "PORT": str(_url.port or ""),
        "CONN_MAX_AGE": 0,
    }
}

SECRET_KEY = os.environ.get("DJCRM_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 32)
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_HOST = "localhost"
EMAIL_HOST_PASSWORD = ""
EMAIL_HOST_USER = "crm@example.com"
ADMINS = []

# No background fetching of exchange rates from outside (the package's default, said again).
LOAD_EXCHANGE_RATE = False
