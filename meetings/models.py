"""What happened when: meetings, who took part, the agenda, reschedules and corrections."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, CharField, F, FilteredRelation, Q, Value, When
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import search
from core.locking import Versioned
from core.projection import WithholdingMixin
from core.roles import is_board_member
from core.workflow import RecordStatus, visible_statuses
from members.models import Organisation, Person, Pillar

# The fields of each search vector (core.search). Changing one needs a migration of its GIN index.
MEETING_PUBLIC_FIELDS = ("title", "public_summary", "city", "country", "venue")
MEETING_MINUTES_FIELDS = ("minutes",)
AGENDA_ITEM_FIELDS = ("title", "notes")


def ordinal(number: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _aware_datetime(value) -> bool:
    return isinstance(value, dt.datetime) and timezone.is_aware(value)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Sarajevo."), params={"value": value}
        )


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        The one rule for which meetings a user may see; every page, feed and export uses it.

        The public sees published meetings, and only their public part (public_projection): Board
        members and the Secretariat read the minutes. Board members also see circulated drafts; the
        Secretariat and admins see every state (core.workflow.visible_statuses).
        """
        statuses = visible_statuses(user)
        visible = self if statuses is None else self.filter(status__in=statuses)
        return visible if is_board_member(user) else visible.public_projection()

    def public_projection(self):
        """Meetings as the public reads them: the minutes are not selected, and reading them raises."""
        return self.defer(*Meeting.withheld_fields)

    def search(self, text: str, user):
        """Meetings the user may see that match `text`; the minutes are searched only for those who may read them."""
        groups = [MEETING_PUBLIC_FIELDS]
        if is_board_member(user):
            groups.append(MEETING_MINUTES_FIELDS)
        return search.search_queryset(self.visible_to(user), text, groups)

    def published(self):
        return self.filter(status=RecordStatus.PUBLISHED)

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start")


class Meeting(Versioned, WithholdingMixin, models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", _("Board meeting")
        SUPPORT_GROUP = "support_group", _("Support Group meeting")
        PILLAR = "pillar", _("Pillar meeting")
        OTHER = "other", _("Other meeting")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    # The record's workflow is the portal's (core.workflow): draft → circulated → published.
    Status = RecordStatus
    # Withheld from the public (core.projection): the minutes are for Board members and the Secretariat.
    withheld_fields = ("minutes",)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BOARD)
    pillar = models.ForeignKey(
        Pillar,
        verbose_name=_("pillar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("Only for pillar meetings."),
    )
    ordinal = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("6 for the 6th Board meeting. Empty if not numbered.")
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Sarajevo", validators=[validate_time_zone]
    )
    all_day = models.BooleanField(
        _("no times announced"), default=False, help_text=_("Show dates only: the times were not announced.")
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    public_summary = models.TextField(
        _("public summary"), blank=True, help_text=_("Markdown. Shown to the public once the meeting is published.")
    )
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("Markdown. Shown to Board members and the Secretariat only.")
    )
    status = models.CharField(_("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT)
    circulated_at = models.DateTimeField(_("circulated at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        permissions = [
            ("publish_meeting", _("Can circulate, publish, unpublish and correct a meeting record")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ordinal"],
                condition=Q(ordinal__isnull=False) & ~Q(kind="pillar"),
                name="meeting_unique_kind_ordinal",
                violation_error_message=_("A meeting of this kind with this number already exists."),
            ),
            models.UniqueConstraint(
                fields=["kind", "pillar", "ordinal"],
                condition=Q(ordinal__isnull=False) & Q(kind="pillar"),
                name="meeting_unique_pillar_ordinal",
                violation_error_message=_("A meeting of this pillar with this number already exists."),
            ),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="meeting_end_not_before_start",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
        ]
        indexes = [
            # The meeting lists and the home page: visible meetings by status, upcoming/past by date.
            models.Index(fields=["status", "start"], name="meeting_status_start_idx"),
            # Filter by kind and year on /meetings/.
            models.Index(fields=["kind", "start"], name="meeting_kind_start_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slug = self.build_slug()
            n = 2
            while Meeting.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug = f"{base}-{n}"
                n += 1
            self.slug = slug
        super().save(*args, **kwargs)

    # get_absolute_url: the record's page composes the meeting with its decisions, so it belongs to the
    # site layer, which says where it is (settings.ABSOLUTE_URL_OVERRIDES).

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return self.start.astimezone(self.tz)

    @property
    def local_end(self):
        return self.end.astimezone(self.tz)

    @property
    def has_passed(self) -> bool:
        return self.end < timezone.now()

    @property
    def is_draft(self) -> bool:
        """Not yet published: shown marked DRAFT to those who may see it."""
        return self.status != self.Status.PUBLISHED

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.venue, self.city, self.country) if part)

    @property
    def ordinal_label(self) -> str:
        return ordinal(self.ordinal) if self.ordinal else ""

    def build_slug(self) -> str:
        year = self.local_start.year if self.start else ""
        if self.ordinal and self.kind != self.Kind.OTHER:
            kind = self.pillar.code if self.kind == self.Kind.PILLAR and self.pillar_id else self.get_kind_display()
            base = f"{ordinal(self.ordinal)} {kind} {year}"
        else:
            base = f"{self.title} {year}"
        return slugify(base)[:190] or "meeting"

    def clean(self):
        super().clean()
        errors = {}
        # Compared only when both are complete, aware times: a form may leave one missing or invalid
        # (its own error is shown beside that field).
        if _aware_datetime(self.start) and _aware_datetime(self.end) and self.end < self.start:
            errors["end"] = _("A meeting cannot end before it starts.")
        if self.kind == self.Kind.PILLAR and not self.pillar_id:
            errors["pillar"] = _("A pillar meeting needs its pillar.")
        if self.kind != self.Kind.PILLAR and self.pillar_id:
            errors["pillar"] = _("Only pillar meetings have a pillar.")
        if errors:
            raise ValidationError(errors)

    @property
    def chair(self):
        """The participation with the chair role (one source of truth), or None."""
        for participation in self.participations.all():
            if participation.role == Participation.Role.CHAIR:
                return participation
        return None


class Reschedule(models.Model):
    """Dates announced before a meeting was postponed or rescheduled; kept, never overwritten."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="reschedules"
    )
    previous_start = models.DateTimeField(_("previously announced start"))
    previous_end = models.DateTimeField(_("previously announced end"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reschedule")
        verbose_name_plural = _("reschedules")
        ordering = ["meeting", "created_at"]

    def __str__(self):
        return f"{self.meeting}: {self.previous_start:%d %b %Y}"

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()


class Correction(models.Model):
    """A reason given for unpublishing or correcting a published record, shown on the record."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UNPUBLISH = "unpublish", _("Unpublished")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("made by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["meeting", "created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%d %b %Y}: {self.reason[:60]}"

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()


class ParticipationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Who took part, as a user may see it.

        Board members and the Secretariat: every participation of the meetings they may see (the
        attendance list of the minutes: names, positions, attendance).

        The public, for published meetings: every participation too, because the public record says
        which organisations took part at which level ("the Western Balkans partners at ministerial
        level", "the Support Group members Austria, Slovenia and Italy"); but only as the public
        projection (public_projection), where only chairs, hosts and speakers are named.
        """
        visible = self.filter(meeting__in=Meeting.objects.visible_to(user))
        return visible if is_board_member(user) else visible.public_projection()

    def public_projection(self):
        """
        Participations as the public may know them: the organisation, role and level of each; the
        person and position only of chairs, hosts and speakers (the public summary names them),
        computed by the database as `named_person` and `public_position`; never the attendance. The
        person, position and attendance columns are not selected, and reading them raises
        (core.projection). Pages read these rows through PublicParticipation.
        """
        named = Q(role__in=Participation.PUBLIC_ROLES)
        return (
            self.defer(*Participation.withheld_fields)
            .annotate(
                named_person=FilteredRelation("person", condition=named),
                public_position=Case(When(named, then=F("position")), default=Value(""), output_field=CharField()),
            )
            .select_related("named_person")
        )


class Participation(Versioned, WithholdingMixin, models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        CO_CHAIR = "co_chair", _("Co-chair")
        HOST = "host", _("Host")
        OPENING_REMARKS = "opening_remarks", _("Opening remarks")
        SPEAKER = "speaker", _("Speaker")
        DELEGATE = "delegate", _("Delegate")
        SUPPORT_GROUP = "support_group", _("Support Group")
        OBSERVER = "observer", _("Observer")
        SECRETARIAT = "secretariat", _("Secretariat")

    class Level(models.TextChoices):
        MINISTERIAL = "ministerial", _("Ministerial")
        DEPUTY_MINISTER = "deputy_minister", _("Deputy minister")
        SENIOR_OFFICIAL = "senior_official", _("Senior official")
        EXPERT = "expert", _("Expert")

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        REMOTE = "remote", _("Remote")
        EXCUSED = "excused", _("Excused")

    # Who took part is public where the public summary states it: chairs, hosts and speakers.
    PUBLIC_ROLES = (Role.CHAIR, Role.CO_CHAIR, Role.HOST, Role.OPENING_REMARKS, Role.SPEAKER)
    # The attendance list (core.projection): withheld from the public, who see PublicParticipation.
    withheld_fields = ("person", "position", "attendance")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        help_text=_('Empty when the organisation took part without a named delegate ("Austria supported").'),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation represented"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    position = models.CharField(
        _("position at the time"),
        max_length=300,
        blank=True,
        help_text=_("Kept as it was at the meeting: people change posts."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DELEGATE)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, blank=True, help_text=_("Empty if not recorded.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organisation__isnull=False),
                name="participation_person_or_organisation",
                violation_error_message=_("Name a person, an organisation, or both."),
            ),
        ]

    def __str__(self):
        who = self.person or self.organisation
        return f"{who} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        # Fill in what the person was at the time, so the record stays true after they move on.
        if self.person_id:
            if not self.position:
                self.position = self.person.position_title
            if not self.organisation_id:
                self.organisation_id = self.person.organisation_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()

    def clean(self):
        super().clean()
        if not self.person_id and not self.organisation_id:
            raise ValidationError(_("Name a person, an organisation, or both."))


class PublicParticipation:
    """
    A participation as the public may know it, made from a row of the public projection: which
    organisation took part, in which role, at which level; the person and position only where the
    public record names them (chairs, hosts, speakers). Nothing else can be read from it: no
    attendance, no delegate's name.
    """

    _PUBLIC_ATTRIBUTES = frozenset(
        {"pk", "meeting", "meeting_id", "organisation", "organisation_id", "role", "level", "order"}
        | {"get_role_display", "get_level_display"}
    )

    def __init__(self, row: Participation):
        self._row = row

    def __getattr__(self, name):
        if name in self._PUBLIC_ATTRIBUTES:
            return getattr(self._row, name)
        raise AttributeError(f"{name!r} is not part of the public record of a participation")

    @property
    def person(self) -> Person | None:
        # Django sets the filtered relation's attribute only where the join found a person.
        return getattr(self._row, "named_person", None)

    @property
    def position(self) -> str:
        return self._row.public_position

    def __str__(self):
        who = self.person or self.organisation
        return f"{who} ({self.get_role_display()})"


class AgendaItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The agenda with its notes is part of the minutes: Board members and the Secretariat only."""
        if not is_board_member(user):
            return self.none()
        return self.filter(meeting__in=Meeting.objects.visible_to(user))

    def search(self, text: str, user):
        return search.search_queryset(self.visible_to(user), text, [AGENDA_ITEM_FIELDS])


class AgendaItem(Versioned, models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        PRESENTATION = "presentation", _("Presentation")
        DISCUSSION = "discussion", _("Discussion")
        DECISION = "decision", _("Decision")
        AOB = "aob", _("Any other business")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DISCUSSION)
    presenters = models.ManyToManyField(Person, verbose_name=_("presenters"), blank=True, related_name="presented")
    presenting_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("presenting organisations"), blank=True, related_name="presented"
    )
    notes = models.TextField(_("minutes notes"), blank=True, help_text=_("Markdown. For Board members only."))
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[presenters, presenting_organisations], excluded_fields=["version"])

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agenda_item_unique_position",
                violation_error_message=_("Another agenda item of this meeting has this position."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#agenda-{self.position}"
