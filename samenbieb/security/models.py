from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateLimitHit(models.Model):
    """One counted attempt against a rate limit (a failed login, a booking, an API call).

    ``key`` is a keyed hash of the limit's scope and what it counts by (a login name, a
    client address), never the value itself: the table holds no personal data in the clear.
    Rows older than any window are pruned now and then (:mod:`samenbieb.security.ratelimit`).
    """

    key = models.CharField(_("key"), max_length=64)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("rate limit hit")
        verbose_name_plural = _("rate limit hits")
        indexes = [models.Index(fields=["key", "at"], name="rate_limit_key_time")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.at:%Y-%m-%d %H:%M:%S}"
