"""
The reader's language (README: Languages).

- **Choosing**: the switcher in every page's footer (`templates/core/_language_switcher.html`) posts the
  language and the page's own path and query to `choose_language`, which remembers it in the browser (Django's
  language cookie, read by LocaleMiddleware) and, for a signed-in user, on their preferences
  (`EmailPreferences.language`), then answers with the same page. URLs carry no language.
- **Why not Django's `set_language`**: it needs a CSRF token, and the public's pages are served from the page cache
  (core/pagecache.py), where no visitor's token may be baked in (a page holding one is never stored). So the
  public's form carries none, and the view takes an anonymous choice without one: all a forged post can do is set
  the language cookie of the browser that sends it — no session, no account, no record is touched, and the answer
  is a redirect to a path of this site only (never another host). A signed-in user's choice is written to their
  account, so their form carries the token (signed-in pages are never cached) and the view checks it.
- **At sign-in on any browser** the account's saved language is applied: the sign-in's answer sets the cookie
  (`user_logged_in` → `remember_at_sign_in`, the cookie written by `LanguageCookieMiddleware`).
- **E-mails** go out in the recipient's saved language (English without one): `language_of(user)`,
  `for_recipient(user)`.
"""

from contextlib import contextmanager

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

# Set on the request when the answer must write the language cookie (a choice, a sign-in).
CHOSEN_ATTRIBUTE = "chosen_language"


def available() -> dict[str, str]:
    """Each interface language's code and its name in its own language."""
    return dict(settings.LANGUAGES)


def is_available(code: str | None) -> bool:
    return bool(code) and code in available()


def language_of(user) -> str:
    """The language `user` chose (saved on their preferences), else the portal's default: English."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    from core.models import EmailPreferences

    saved = EmailPreferences.objects.filter(user=user).values_list("language", flat=True).first()
    return saved if is_available(saved) else settings.LANGUAGE_CODE


@contextmanager
def for_recipient(user):
    """Within it, every translated text is in `user`'s language (an e-mail to them)."""
    with translation.override(language_of(user)):
        yield


def save_choice(user, code: str) -> None:
    from core.models import EmailPreferences

    EmailPreferences.objects.update_or_create(user=user, defaults={"language": code})


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _choose(request):
    code = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request), status=303)
    if not is_available(code):
        return response
    if request.user.is_authenticated:
        save_choice(request.user, code)
    setattr(request, CHOSEN_ATTRIBUTE, code)
    return response


_choose_signed_in = csrf_protect(_choose)


@csrf_exempt
@require_POST
def choose_language(request):
    """The switcher's form: the language chosen, then the same page (same path and query) in it."""
    if request.user.is_authenticated:
        return _choose_signed_in(request)
    return _choose(request)


def remember_at_sign_in(sender, request, user, **kwargs):
    """Signing in, on any browser, brings the account's language: the answer sets the cookie. (`user_logged_in`.)"""
    if request is None:
        return
    from core.models import EmailPreferences

    saved = EmailPreferences.objects.filter(user=user).values_list("language", flat=True).first()
    if is_available(saved):
        setattr(request, CHOSEN_ATTRIBUTE, saved)
        translation.activate(saved)
        request.LANGUAGE_CODE = saved


def set_language_cookie(response, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LanguageCookieMiddleware:
    """
    Writes the language cookie when the request chose a language (the switcher, a sign-in), and says that every
    answer varies on the cookie as well as on Accept-Language (LocaleMiddleware reads both): a shared cache must
    keep one copy per language. After the authentication middleware (a sign-in happens in the view).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        chosen = getattr(request, CHOSEN_ATTRIBUTE, None)
        if chosen:
            set_language_cookie(response, chosen)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
