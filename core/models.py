"""
The toolkit holds no domain records, only its own bookkeeping: the site's generation (the page cache,
core/pagecache.py), the enrolment links with which a Secretariat or admin user sets up their first
authenticator (core/two_factor.py) and the invitation links with which an invited user sets their first
password (core/invitations.py).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import clock


def hash_token(token: str) -> str:
    """The stored form of a link's secret. A plain SHA-256 suffices: the secret is 256 random bits, not a password."""
    return hashlib.sha256(token.encode()).hexdigest()


class SingleUseLinkQuerySet(models.QuerySet):
    def open(self):
        """Neither used nor replaced (expired or not): what issuing a new link voids."""
        return self.filter(used_at__isnull=True, voided_at__isnull=True)

    def usable(self):
        """Links that still work: open and not expired."""
        return self.open().filter(expires_at__gt=clock.now())

    def for_token(self, token: str):
        """The link whose secret this is (in any state), or None: only the hash is stored, so it is looked up by it."""
        return self.select_related("user").filter(token_hash=hash_token(token)).first()


# Kept under its old name: the enrolment links' manager and the code that names it.
EnrolmentLinkQuerySet = SingleUseLinkQuerySet


class SingleUseLink(models.Model):
    """
    A single-use, expiring link for one user, whose secret is shown (or mailed) once and of which only
    the hash is kept. Issuing a new one voids the user's older open ones. The concrete link names its
    user (with its own related name) and the constraint that keeps one link open per user.
    """

    class State(models.TextChoices):
        USABLE = "usable", _("usable")
        USED = "used", _("used")
        VOIDED = "voided", _("replaced by a newer link")
        EXPIRED = "expired", _("expired")

    token_hash = models.CharField(_("hash of the secret"), max_length=64, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    voided_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    objects = SingleUseLinkQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-issued_at"]

    @property
    def state(self) -> "SingleUseLink.State":
        if self.used_at is not None:
            return self.State.USED
        if self.voided_at is not None:
            return self.State.VOIDED
        if self.expires_at <= clock.now():
            return self.State.EXPIRED
        return self.State.USABLE


class EnrolmentLink(SingleUseLink):
    """
    A single-use, expiring link with which one privileged user, signed in with their password, sets
    up their first authenticator. Issued by an admin (or `manage.py enrolment_link` for the first
    admin of a deployment, `issued_by` None); the secret is shown once and only its hash is kept.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_links", verbose_name=_("for")
    )

    class Meta(SingleUseLink.Meta):
        verbose_name = _("enrolment link")
        verbose_name_plural = _("enrolment links")
        constraints = [
            # Issuing voids the older links: at most one open link per user, even when two admins issue at once.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(used_at__isnull=True, voided_at__isnull=True),
                name="core_enrolmentlink_one_open_per_user",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(voided_at__isnull=True),
                name="core_enrolmentlink_used_or_voided",
            ),
        ]

    def __str__(self):
        return _("Enrolment link for %(user)s, issued %(issued)s") % {
            "user": self.user,
            "issued": self.issued_at.isoformat(timespec="minutes"),
        }


class InvitationLink(SingleUseLink):
    """
    A single-use, expiring link with which an invited user (an account without a password yet) sets
    their password and signs in for the first time (core/invitations.py). Issued by the Secretariat
    when it gives someone access; `issued_by` None for a link issued by a command.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation_links", verbose_name=_("for")
    )

    class Meta(SingleUseLink.Meta):
        verbose_name = _("invitation link")
        verbose_name_plural = _("invitation links")
        constraints = [
            # Issuing voids the older links: at most one open link per user, even when two editors issue at once.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(used_at__isnull=True, voided_at__isnull=True),
                name="core_invitationlink_one_open_per_user",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(voided_at__isnull=True),
                name="core_invitationlink_used_or_voided",
            ),
        ]

    def __str__(self):
        return _("Invitation link for %(user)s, issued %(issued)s") % {
            "user": self.user,
            "issued": self.issued_at.isoformat(timespec="minutes"),
        }


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


class EmailPreferences(models.Model):
    """
    What optional e-mail a user receives (core/notifications.py): each kind on or off (a kind not named
    here takes its registered default) and how, one message each or a weekly digest. No row: the defaults.
    """

    # Bookkeeping of a reader's e-mail: no page shows it, so writing it leaves the page cache alone.
    shown_on_no_page = True

    class Delivery(models.TextChoices):
        SINGLE = "single", _("One e-mail for each")
        DIGEST = "digest", _("A weekly digest instead of single messages")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences")
    # {kind key: true/false}, only the kinds the user chose; a kind registered later takes its default.
    choices = models.JSONField(default=dict, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.SINGLE)
    # The interface language the user chose with the switcher (core/languages.py): applied at each sign-in, on any
    # browser, and the language of their e-mails. Blank: none chosen (English for e-mails). A code of LANGUAGES,
    # checked by the switcher's view; not a choices list, so that a language added changes no migration.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("e-mail preferences")
        verbose_name_plural = _("e-mail preferences")

    def __str__(self):
        return _("E-mail preferences of %(user)s") % {"user": self.user}


class DigestItem(models.Model):
    """A message held for a user's weekly digest (core/notifications.py, `manage.py send_digest`)."""

    # Bookkeeping of a reader's e-mail: no page shows it, so writing it leaves the page cache alone.
    shown_on_no_page = True

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_items")
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    queued_at = models.DateTimeField(default=clock.now)
    # Set in the transaction that sends the digest: a second run sends it no more.
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest item")
        verbose_name_plural = _("digest items")
        indexes = [
            # send_digest: the items not sent yet, per user.
            models.Index(fields=["sent_at", "user"], name="core_digestitem_pending"),
        ]

    def __str__(self):
        return self.subject


class AppendOnlyQuerySet(models.QuerySet):
    """Rows that are never changed nor removed through the ORM (core/chain.py: the version chain)."""

    def visible_to(self, user):
        """The one rule: the public reads the public chains; Board members, the Secretariat and admins all."""
        from core.roles import is_board_member

        return self if is_board_member(user) else self.filter(audience=RecordVersion.Audience.PUBLIC)

    def update(self, **kwargs):
        raise PermissionError("A record's version is never changed: append a new one (core.chain).")

    def delete(self):
        raise PermissionError("A record's version is never removed: append a withdrawal (core.chain).")


class RecordVersion(models.Model):
    """
    One link of a record's version chain (core/chain.py): what one audience could read of a published
    record at one time, its digest, and the digest chaining it to the link before. Append-only.
    """

    class State(models.TextChoices):
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Public")
        BOARD = "board", _("Board members")

    # Which record: its model's label ("meetings.meeting") and primary key. No foreign key: the chain
    # names no model of the layers above, and outlives nothing it may not.
    record_kind = models.CharField(max_length=60)
    record_pk = models.PositiveBigIntegerField()
    audience = models.CharField(max_length=10, choices=Audience.choices)
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PUBLISHED)
    # The canonical form (core.chain.canonical_json) of the record as the audience read it.
    content = models.TextField()
    content_digest = models.CharField(max_length=64, db_index=True)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    chain_digest = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    # Why this version was made: a correction's reason (the record's own reason row, by kind and pk).
    reason = models.TextField(blank=True)
    reason_pk = models.PositiveBigIntegerField(null=True, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("record version")
        verbose_name_plural = _("record versions")
        ordering = ["record_kind", "record_pk", "audience", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["record_kind", "record_pk", "audience", "number"], name="record_version_number_once"
            )
        ]
        indexes = [
            models.Index(fields=["record_kind", "record_pk", "audience", "-number"], name="record_version_latest")
        ]

    def __str__(self):
        return f"{self.record_kind}:{self.record_pk} {self.audience} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("A record's version is never changed: append a new one (core.chain).")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("A record's version is never removed: append a withdrawal (core.chain).")
