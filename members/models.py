"""Who is part of IISG: organisations, people, pillars, memberships and appointments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import visibility
from core.locking import Versioned
from core.roles import is_secretariat

# The designation footnote, printed once wherever Kosovo* appears on a page or PDF.
KOSOVO_FOOTNOTE = _(
    "*This designation is without prejudice to positions on status, and is in line with "
    "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence."
)


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Organisations a user may see: the Secretariat sees all; others see an organisation that has
        a membership, an appointment or a person they may see, or that the apps above grant them
        (core.visibility: `meetings` grants those that took part in a meeting they may see), and the
        parents of those (the European Commission above DG NEAR). An organisation only a draft
        mentions stays unseen.
        """
        if is_secretariat(user):
            return self
        own = (
            Q(pk__in=Membership.objects.visible_to(user).values("organisation"))
            | Q(pk__in=Appointment.objects.visible_to(user).exclude(organisation=None).values("organisation"))
            | Q(pk__in=Person.objects.visible_to(user).exclude(organisation=None).values("organisation"))
        )
        granted = visibility.granted(Organisation, user)
        if granted is not None:
            own |= granted
        return self.filter(own | Q(pk__in=Organisation.objects.filter(own).exclude(parent=None).values("parent")))


class Organisation(Versioned, models.Model):
    class Kind(models.TextChoices):
        WB_PARTNER = "wb_partner", _("Western Balkans partner administration")
        EU_INSTITUTION = "eu_institution", _("EU institution")
        EU_MEMBER_STATE = "eu_member_state", _("EU member state")
        INTERNATIONAL = "international", _("International organisation")
        REGIONAL = "regional", _("Regional initiative")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(_("country"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("For example DG NEAR is part of the European Commission."),
    )
    designation_footnote = models.BooleanField(
        _("designation footnote"),
        default=False,
        help_text=_("Print the name with an asterisk and the Kosovo* designation footnote."),
    )
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.acronym if self.acronym and len(self.acronym) > 2 else self.name)[:220]
        super().save(*args, **kwargs)

    # Its page lists decisions and meetings too, so it belongs to the site layer, which says where
    # it is: settings.ABSOLUTE_URL_OVERRIDES (so for Person, Appointment and Pillar).

    @property
    def display_name(self) -> str:
        return f"{self.name}*" if self.designation_footnote else self.name

    @property
    def short_name(self) -> str:
        name = self.acronym or self.name
        return f"{name}*" if self.designation_footnote and not name.endswith("*") else name


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        People a user may see. The Secretariat: everyone. Others: holders of appointments they may
        see, and whom the apps above grant them (core.visibility): `meetings` grants Board members
        whoever took part in, or presented at, a meeting they may see, and the public the chairs,
        hosts and speakers of published meetings (the public summary names them; delegates' names
        belong to the attendance list, for members only).
        """
        if is_secretariat(user):
            return self
        shown = Q(pk__in=Appointment.objects.visible_to(user).values("person"))
        granted = visibility.granted(Person, user)
        return self.filter(shown if granted is None else shown | granted)


class Person(Versioned, models.Model):
    class Honorific(models.TextChoices):
        MR = "Mr", _("Mr")
        MS = "Ms", _("Ms")
        MRS = "Mrs", _("Mrs")
        DR = "Dr", _("Dr")
        PROF = "Prof", _("Prof")
        NONE = "", _("(none)")

    honorific = models.CharField(_("honorific"), max_length=8, choices=Honorific.choices, blank=True)
    name = models.CharField(_("name"), max_length=200, help_text=_("Given name and family name."))
    position_title = models.CharField(
        _("position"), max_length=300, blank=True, help_text=_('The current post, e.g. "Acting Director-General".')
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]
        indexes = [
            # Person autocomplete and search by name in the admin and the participant form.
            models.Index(fields=["name"], name="person_name_idx"),
        ]

    def __str__(self):
        return self.full_name

    # get_absolute_url: the organisation's page, or the member list (settings.ABSOLUTE_URL_OVERRIDES).

    @property
    def full_name(self) -> str:
        return f"{self.honorific} {self.name}".strip()


class Pillar(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")
        ordering = ["code"]

    def __str__(self):
        return self.code

    # Its page (the documents of the pillar) is in the site's hands: settings.ABSOLUTE_URL_OVERRIDES.


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Memberships the user may see: all, less those the apps above hide (core.visibility:
        `decisions` hides a membership created by a decision of a meeting the user may not see).
        """
        if is_secretariat(user):
            return self
        return visibility.without_hidden(self, user)

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(since__isnull=True) | Q(since__lte=on), Q(until__isnull=True) | Q(until__gte=on))

    def former(self, on=None):
        on = on or timezone.localdate()
        return self.filter(until__lt=on)


class Membership(Versioned, models.Model):
    class Category(models.TextChoices):
        BOARD = "board", _("Board member")
        SUPPORT_GROUP = "support_group", _("Support Group member")
        OBSERVER = "observer", _("Observer")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    since = models.DateField(
        _("since"), null=True, blank=True, help_text=_("Leave empty when the start date is not on record.")
    )
    until = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while the membership lasts."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["category", "organisation__name", "since"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=F("since")),
                name="membership_until_not_before_since",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]
        indexes = [
            # The member list: current memberships by category (until IS NULL or in the future).
            models.Index(fields=["category", "until"], name="membership_category_until_idx"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_category_display()}"

    def get_absolute_url(self):
        return self.organisation.get_absolute_url()

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.since is None or self.since <= today) and (self.until is None or self.until >= today)

    def clean(self):
        super().clean()
        if self.since and self.until and self.until < self.since:
            raise ValidationError({"until": _("A membership cannot end before it starts.")})
        if self.organisation_id and self.category:
            overlapping = self.overlapping()
            if overlapping:
                raise ValidationError(
                    _(
                        "%(organisation)s is already a %(category)s over these dates (%(existing)s). "
                        "End that membership first or change the dates."
                    )
                    % {
                        "organisation": self.organisation,
                        "category": self.get_category_display(),
                        "existing": overlapping.period_display(),
                    }
                )

    def overlapping(self):
        """An existing membership of the same organisation and category whose dates overlap, if any."""
        others = Membership.objects.filter(organisation_id=self.organisation_id, category=self.category).exclude(
            pk=self.pk
        )
        # Two periods overlap unless one ends before the other starts; None means open-ended.
        if self.until is not None:
            others = others.filter(Q(since__isnull=True) | Q(since__lte=self.until))
        if self.since is not None:
            others = others.filter(Q(until__isnull=True) | Q(until__gte=self.since))
        return others.first()

    def period_display(self) -> str:
        since = self.since.strftime("%d %b %Y") if self.since else _("date not on record")
        until = self.until.strftime("%d %b %Y") if self.until else _("present")
        return f"{since} – {until}"


class AppointmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Appointments the user may see: all, less those the apps above hide (as for memberships)."""
        if is_secretariat(user):
            return self
        return visibility.without_hidden(self, user)


class Appointment(models.Model):
    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("Appointment")
        EXTENSION = "extension", _("Extension of mandate")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="appointments")
    post = models.CharField(_("post"), max_length=200, help_text=_('For example "Head of IISG Secretariat".'))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.APPOINTMENT)
    start = models.DateField(_("start"), null=True, blank=True, help_text=_("Empty when not on record."))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty when open-ended or not on record."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["post", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="appointment_end_not_before_start",
                violation_error_message=_("An appointment cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.person} — {self.post} ({self.get_kind_display().lower()})"

    # get_absolute_url: the organisation's page, or the member list (settings.ABSOLUTE_URL_OVERRIDES).

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("An appointment cannot end before it starts.")})
