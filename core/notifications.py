"""
E-mail as each reader chooses it: the kinds of optional e-mail, each user's preferences, the one
function every optional e-mail goes through, the one-click unsubscribe and the weekly digest.

- **Kinds** are registered by the apps above (`register(Kind(...))` in their `AppConfig.ready`): a key
  ("meetings.circulated"), a label and a help text for the preferences page, whether it is on by default,
  and whether it may wait for the weekly digest (a reminder two days before a deadline may not: it is
  sent as a single message even to who chose the digest). core names none of them.
- **Preferences** (`core.models.EmailPreferences`, one row per user, none = the defaults): each kind on
  or off, and "one e-mail for each" or "a weekly digest instead of single messages".
- **`notify()`** takes the addresses a step would e-mail and, for each, the active account holding it
  (compared without case; of several accounts sharing an address, the first made decides): drops the
  address if its user turned the kind off, queues a `DigestItem` if they chose the digest, and sends the
  rest one message each, once the step's transaction has committed (a rolled-back step announces
  nothing; the digest items roll back with it). Each message ends with a one-click unsubscribe: a link
  in the body and the `List-Unsubscribe` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
  headers (RFC 8058).
- **Addresses without an account** are sent the message as before, without preferences or an
  unsubscribe link: there is nobody whose choice to keep. Every optional e-mail of the portal today goes
  to accounts (Board members, the people and delegates of an organisation with an account); a caller
  that mails plain addresses should give them accounts first.
- **The unsubscribe token** is `django.core.signing` over (user id, kind), salted, without expiry: it
  holds no secret and does only one thing, turn that kind off for that user (or every kind, `ALL`, the
  digest's link). A changed or made-up token fails the signature (a 400 page, never a 500).
- **In the reader's language**: `subject` and `body` may be callables, made again in each recipient's language
  (the one they chose with the switcher, `EmailPreferences.language`; English for an address without an
  account or a user who chose none), once per language; the footer and the digest likewise.
- **Transactional e-mail** (the invitation link of members/access, sign-in) never goes through here:
  it must always reach its reader; the preferences page says so.
- **The digest**: `send_digests()` (`manage.py send_digest`, weekly from cron) sends each user one
  e-mail with their queued items grouped by kind and marks them sent in the same transaction, so a
  second run sends nothing twice; items of a kind the user has turned off since are dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from core import clock
from core.models import DigestItem, EmailPreferences

# The token's kind that turns every optional e-mail off (the digest's own unsubscribe link).
ALL = "all"
SALT = "core.notifications.unsubscribe"


@dataclass(frozen=True)
class Kind:
    """A kind of optional e-mail, as the preferences page shows it."""

    key: str
    label: str
    help: str = ""
    default: bool = True
    # May wait for the weekly digest; False for what is only of use at once (a reminder before a deadline).
    digest: bool = True


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind (from an AppConfig.ready); registering the same key again replaces it."""
    if kind.key == ALL:
        raise ValueError(f"{ALL!r} is reserved")
    _KINDS[kind.key] = kind
    return kind


def kinds() -> list[Kind]:
    """Every registered kind, in the order registered (the apps' order in INSTALLED_APPS)."""
    return list(_KINDS.values())


def get_kind(key: str) -> Kind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"No e-mail kind {key!r} is registered (core.notifications.register)") from None


# --- Preferences ---------------------------------------------------------------------------------


def preferences_of(user) -> EmailPreferences:
    """The user's preferences, unsaved defaults when they never chose."""
    try:
        return user.email_preferences
    except EmailPreferences.DoesNotExist:
        return EmailPreferences(user=user)


def wants(preferences: EmailPreferences | None, key: str) -> bool:
    kind = get_kind(key)
    if preferences is None:
        return kind.default
    return bool(preferences.choices.get(key, kind.default))


def takes_digest(preferences: EmailPreferences | None) -> bool:
    return preferences is not None and preferences.delivery == EmailPreferences.Delivery.DIGEST


@transaction.atomic
def save_preferences(*, user, choices: dict[str, bool], delivery: str) -> EmailPreferences:
    """Keep the user's choice of each registered kind and of delivery."""
    preferences, _created = EmailPreferences.objects.select_for_update().get_or_create(user=user)
    preferences.choices = {kind.key: bool(choices.get(kind.key, False)) for kind in kinds()}
    preferences.delivery = delivery
    preferences.full_clean()
    preferences.save()
    return preferences


@transaction.atomic
def turn_off(*, user, key: str) -> EmailPreferences:
    """The unsubscribe: `key` (or every kind, ALL) off for `user`; the other choices kept."""
    preferences, _created = EmailPreferences.objects.select_for_update().get_or_create(user=user)
    keys = [kind.key for kind in kinds()] if key == ALL else [get_kind(key).key]
    preferences.choices = {**preferences.choices, **dict.fromkeys(keys, False)}
    preferences.save()
    return preferences


# --- Unsubscribe tokens --------------------------------------------------------------------------


def unsubscribe_token(user, key: str) -> str:
    return signing.dumps({"u": user.pk, "k": key}, salt=SALT)


@dataclass(frozen=True)
class Unsubscribe:
    """What a valid token turns off: whose e-mail (the user) and which kind (None: every kind)."""

    user: object
    kind: Kind | None


def read_token(token: str) -> Unsubscribe | None:
    """The token's user and kind; None for a token changed, made up, of a kind no longer registered or of no user."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("k"), str):
        return None
    key = data["k"]
    if key != ALL and key not in _KINDS:
        return None
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None:
        return None
    return Unsubscribe(user=user, kind=None if key == ALL else _KINDS[key])


def base_url(site_url: str = "") -> str:
    """The portal's address for links in e-mails: the step's own, else the first of CSRF_TRUSTED_ORIGINS."""
    base = site_url or next(iter(settings.CSRF_TRUSTED_ORIGINS), "")
    return base.rstrip("/")


def unsubscribe_url(user, key: str, site_url: str = "") -> str:
    return base_url(site_url) + reverse("email-unsubscribe", args=[unsubscribe_token(user, key)])


def _footer(user, key: str, site_url: str) -> tuple[str, dict[str, str]]:
    """The unsubscribe lines of a message's body and its headers (none without an http(s) address)."""
    link = unsubscribe_url(user, key, site_url)
    preferences = base_url(site_url) + reverse("email-preferences")
    if key == ALL:
        why = _("You receive this digest because you chose it in your e-mail preferences.")
        off = _("Turn every optional e-mail off: %(url)s") % {"url": link}
    else:
        why = _("You receive this e-mail because “%(kind)s” is on in your e-mail preferences.") % {
            "kind": get_kind(key).label
        }
        off = _("Turn these e-mails off: %(url)s") % {"url": link}
    text = "\n\n-- \n%s\n%s\n%s\n" % (  # noqa: UP031 (translated sentences)
        why,
        off,
        _("All your e-mail preferences: %(url)s") % {"url": preferences},
    )
    headers = {}
    if link.startswith(("https://", "http://")):
        headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return text, headers


# --- Sending -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """What became of each address: e-mailed now, held for the weekly digest, or not sent (turned off)."""

    kind: str
    sent: tuple[str, ...] = ()
    queued: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.sent)


def accounts_by_address(addresses: Iterable[str]) -> dict[str, object]:
    """Lower-cased address -> the first active account holding it, with its preferences (one query)."""
    lowered = {address.lower() for address in addresses}
    if not lowered:
        return {}
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(lower_email=Lower("email"))
        .filter(lower_email__in=lowered)
        .select_related("email_preferences")
        .order_by("pk")
    )
    found: dict[str, object] = {}
    for user in users:
        found.setdefault(user.lower_email, user)
    return found


def _stored_preferences(user) -> EmailPreferences | None:
    try:
        return user.email_preferences
    except EmailPreferences.DoesNotExist:
        return None


def language_of_preferences(preferences: EmailPreferences | None) -> str:
    """The language a user's e-mails are written in: the one they chose, else the portal's default (English)."""
    chosen = preferences.language if preferences is not None else ""
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class _InLanguage:
    """A text given as a string (as it is), a lazy string or a callable (made once per language, in that language)."""

    def __init__(self, text: str | Callable[[], str]):
        self.text = text
        self.made: dict[str, str] = {}

    def __call__(self, language: str) -> str:
        # A lazy string (gettext_lazy) is made in the language too, not in whichever is active when the message goes.
        if not callable(self.text) and not isinstance(self.text, Promise):
            return self.text
        if language not in self.made:
            with translation.override(language):
                self.made[language] = str(self.text() if callable(self.text) else self.text)
        return self.made[language]


def notify(
    *,
    kind: str,
    recipients: Iterable[str],
    subject: str | Callable[[], str],
    body: str | Callable[[], str],
    url: str = "",
    site_url: str = "",
) -> Delivery:
    """
    Send an optional e-mail of `kind` to `recipients` (addresses) as each reader chose: one message each,
    held for their digest, or nothing. Call it inside the step's transaction: the digest items are
    written in it and the messages go once it has committed. `url`: the page the message is about (the
    digest links to it). `subject` and `body` given as callables are made in each recipient's language.
    """
    key = get_kind(kind).key
    subject, body = _InLanguage(subject), _InLanguage(body)
    recipients = list(dict.fromkeys(recipients))
    accounts = accounts_by_address(recipients)
    sent, queued, dropped, messages, held = [], [], [], [], []
    for address in recipients:
        user = accounts.get(address.lower())
        if user is None:
            # No account: nobody's choice to keep (see the module's docstring).
            sent.append(address)
            english = settings.LANGUAGE_CODE
            messages.append(EmailMessage(subject=subject(english), body=body(english), to=[address]))
            continue
        preferences = _stored_preferences(user)
        language = language_of_preferences(preferences)
        if not wants(preferences, key):
            dropped.append(address)
        elif takes_digest(preferences) and get_kind(key).digest:
            held.append(
                DigestItem(user=user, kind=key, subject=subject(language)[:300], url=url[:500], queued_at=clock.now())
            )
            queued.append(address)
        else:
            with translation.override(language):
                footer, headers = _footer(user, key, site_url)
            sent.append(address)
            messages.append(
                EmailMessage(subject=subject(language), body=body(language) + footer, to=[address], headers=headers)
            )

    if held:
        # In the step's transaction: rolled back with it. No page shows these rows (nothing for the page cache).
        DigestItem.objects.bulk_create(held)
    if messages:
        # Only once the transaction has committed: a rolled-back step must not announce anything.
        transaction.on_commit(lambda: get_connection().send_messages(messages))
    return Delivery(kind=key, sent=tuple(sent), queued=tuple(queued), dropped=tuple(dropped))


def delivery_note(delivery: Delivery | None) -> str:
    """For the Secretariat's message: who will read it in their digest, who turned it off ("" if nobody)."""
    if delivery is None:
        return ""
    parts = []
    if delivery.queued:
        parts.append(
            ngettext(
                "%(count)d will read it in their weekly digest.",
                "%(count)d will read it in their weekly digest.",
                len(delivery.queued),
            )
            % {"count": len(delivery.queued)}
        )
    if delivery.dropped:
        parts.append(
            ngettext(
                "%(count)d turned these e-mails off.", "%(count)d turned these e-mails off.", len(delivery.dropped)
            )
            % {"count": len(delivery.dropped)}
        )
    return " ".join(parts)


# --- The weekly digest ---------------------------------------------------------------------------


def _label(key: str) -> str:
    kind = _KINDS.get(key)
    return str(kind.label) if kind else key


def digest_body(user, items: list[DigestItem]) -> str:
    """The digest's text: the items grouped by kind (in the registry's order), oldest first in each."""
    order = {key: position for position, key in enumerate(_KINDS)}
    grouped: dict[str, list[DigestItem]] = defaultdict(list)
    for item in sorted(items, key=lambda item: (item.queued_at, item.pk)):
        grouped[item.kind].append(item)
    lines = [_("Your weekly digest of the IISG Board Portal."), ""]
    for key in sorted(grouped, key=lambda key: (order.get(key, len(order)), key)):
        lines.append(f"{_label(key)} ({len(grouped[key])})")
        lines.append("=" * len(lines[-1]))
        for item in grouped[key]:
            lines.append(f"- {item.subject}")
            if item.url:
                lines.append(f"  {item.url}")
        lines.append("")
    return "\n".join(lines)


DIGEST_SUBJECT = ngettext_lazy(
    "Your weekly digest: %(count)d new item on the IISG Board Portal",
    "Your weekly digest: %(count)d new items on the IISG Board Portal",
    "count",
)


def send_digests(*, site_url: str = "") -> dict[str, int]:
    """
    One e-mail per user with the items queued for them, marked sent in the same transaction (a second
    run sends nothing twice; a failed send leaves them queued for the next). Returns {address: items}.
    """
    sent: dict[str, int] = {}
    user_ids = DigestItem.objects.filter(sent_at=None).values_list("user", flat=True).distinct().order_by("user")
    for user_id in list(user_ids):
        with transaction.atomic():
            items = list(
                DigestItem.objects.select_for_update(of=("self",))
                .filter(user=user_id, sent_at=None)
                .select_related("user__email_preferences")
            )
            if not items:
                continue  # another run sent them meanwhile
            user = items[0].user
            preferences = _stored_preferences(user)
            wanted = [item for item in items if item.kind in _KINDS and wants(preferences, item.kind)]
            now = clock.now()
            if wanted and user.is_active and user.email:
                with translation.override(language_of_preferences(preferences)):
                    footer, headers = _footer(user, ALL, site_url)
                    subject = DIGEST_SUBJECT % {"count": len(wanted)}
                    body = digest_body(user, wanted) + footer
                message = EmailMessage(subject=subject, body=body, to=[user.email], headers=headers)
                # Inside the transaction: if sending fails, nothing is marked sent and the next run tries again.
                get_connection().send_messages([message])
                sent[user.email] = len(wanted)
            # Items of a kind turned off since (or of a user without address) are settled too, unsent. No page
            # shows these rows: nothing for the page cache to learn.
            DigestItem.objects.filter(pk__in=[item.pk for item in items]).update(sent_at=now)
    return sent
