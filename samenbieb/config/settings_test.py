"""Settings for the test suite: the production settings with static files served by finders."""

from samenbieb.config.settings import *  # noqa: F403
from samenbieb.config.settings import OAUTH2_PROVIDER, STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that send real mail use tests/members/smtp.py; never wait long for a server.
EMAIL_TIMEOUT = 5
# Jobs run in-process the moment they are enqueued (after the commit, for notices): no worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The connected services in tests redirect to localhost over plain http.
OAUTH2_PROVIDER = {**OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"]}
