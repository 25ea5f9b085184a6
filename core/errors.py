"""
The portal's answer to a PermissionDenied (`handler403`, iisg_portal/urls.py), wherever a view raises
it (core.editing's access checks, the written procedures' answer page): the one place that decides.

- Not signed in: to the sign-in page, and back to the page asked for once signed in (the second
  factor included). The answer is the same for every protected page, and says nothing of its record.
- Signed in without the right: the portal's page (403.html, status 403) saying what they may do
  instead: read the record (when the refusal names one the user may see), go home, or sign in as
  another user.

The admin keeps Django admin's own sign-in (its pages send a visitor to /admin/login/ before any view runs).
"""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import NoReverseMatch


def permission_denied(request, exception=None):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    record = getattr(exception, "record", None)
    record_url = None
    if record is not None and hasattr(record, "get_absolute_url"):
        try:
            record_url = record.get_absolute_url()
        except NoReverseMatch:
            record_url = None
    context = {"record": record if record_url else None, "record_url": record_url}
    return render(request, "403.html", context, status=403)
