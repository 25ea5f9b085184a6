"""
The toolkit's own bookkeeping; core has no domain models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteGeneration(models.Model):
    """
    The site's generation (core/pagecache.py): one row whose token every committed change of the site
    replaces. It lives in the database, beside the writes it stands for, so that no state of the cache
    (hung, stopped, flushed, restarted) can lose a change: a page stored under an older token is never
    served again.
    """

    # Always 1: there is one generation for the whole site.
    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("site generation")
        verbose_name_plural = _("site generation")

    def __str__(self):
        return self.token
