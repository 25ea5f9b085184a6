"""
A ceiling on the size of a request body, checked before anything reads it.

DATA_UPLOAD_MAX_MEMORY_SIZE does not count the file parts of a multipart body: without this, a
60 MB file posted to any form (the sign-in page too) would be read and written to a temporary
file before the view looks at it. The proxy refuses such a body too (client_max_body_size in the
README's nginx example); this keeps the rule where the portal runs without one.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig


class RequestBodyLimitMiddleware:
    """Refuse a request that declares a body larger than settings.REQUEST_MAX_BODY_SIZE (a 400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body from a request with a malformed length either.
        if declared > settings.REQUEST_MAX_BODY_SIZE:
            # Django's own answer to a too large body: logged to django.security, a 400 for the client.
            raise RequestDataTooBig(
                f"Request body of {declared} bytes exceeds settings.REQUEST_MAX_BODY_SIZE "
                f"({settings.REQUEST_MAX_BODY_SIZE} bytes)."
            )
        return self.get_response(request)
