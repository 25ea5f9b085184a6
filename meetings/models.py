"""What happened when: meetings, who took part, the agenda, reschedules and corrections."""

import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import BooleanField, Case, CharField, F, FilteredRelation, Q, TextField, Value, When
from django.utils import formats, timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override, pgettext
from simple_history.models import HistoricalRecords

from core import clock, search
from core.dates import (
    DatePrecision,
    format_at_precision,
    last_day_at_precision,
    long_date,
    truncate_to_precision,
    weekday_format,
)
from core.locking import Versioned
from core.projection import WithheldFieldError, WithholdingMixin
from core.roles import is_board_member, is_secretariat
from core.workflow import RecordStatus, WorkflowRecord, visible_statuses
from members.models import Organisation, Person, Pillar

# The fields of each search vector (core.search). Changing one needs a migration of its GIN index.
MEETING_PUBLIC_FIELDS = ("title", "public_summary", "city", "country", "venue")
MEETING_MINUTES_FIELDS = ("minutes",)
AGENDA_ITEM_FIELDS = ("title", "notes")


def english_ordinal(number: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd': for slugs, which stay the same in every language."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def ordinal(number: int) -> str:
    """
    A meeting's number as the active language writes an ordinal: '6th' in English, "6." in the Slavic languages
    of the region, "6-të" in Albanian, "6-ти" in Macedonian. The pattern is chosen by the number's last digits
    (the English endings st, nd, rd and th, and Macedonian's -ми after 7 and 8) and translated in the catalogues.
    """
    last, last_two = number % 10, number % 100
    if 11 <= last_two <= 13:
        pattern = pgettext("ordinal number ending in 11, 12 or 13", "%(number)sth")
    elif last == 1:
        pattern = pgettext("ordinal number ending in 1 (not 11)", "%(number)sst")
    elif last == 2:
        pattern = pgettext("ordinal number ending in 2 (not 12)", "%(number)snd")
    elif last == 3:
        pattern = pgettext("ordinal number ending in 3 (not 13)", "%(number)srd")
    elif last in (7, 8) and last_two not in (17, 18):
        pattern = pgettext("ordinal number ending in 7 or 8 (not 17 or 18)", "%(number)sth")
    else:
        pattern = pgettext("ordinal number, any other", "%(number)sth")
    return pattern % {"number": formats.number_format(number)}


def _aware_datetime(value) -> bool:
    return isinstance(value, dt.datetime) and timezone.is_aware(value)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Sarajevo."), params={"value": value}
        )


# What anyone may know of a meeting the Secretariat announced, before its record reaches them: the
# announcement (kind, number, title, dates at their precision, place, format, the wider occasion, and
# whether it was postponed or cancelled). Nothing of the record: no summary, counts, state or dates of it.
# A record published here more than this long after its meeting ended was entered after the fact (a 2017
# meeting recorded in 2026): the day it was published here is not the day it was made public. Its pages
# give the day the Secretariat says it was first made public (Meeting.first_published_on), or no day at
# all, never the day it was entered (Meeting.published_on).
ENTERED_AFTER_THE_FACT = dt.timedelta(days=90)

ANNOUNCED_FIELDS = (
    "id",
    "kind",
    "pillar",
    "ordinal",
    "title",
    "slug",
    "start",
    "end",
    "time_zone",
    "all_day",
    "date_precision",
    "city",
    "country",
    "venue",
    "format",
    "occasion",
    "occasion_relation",
    "announced_at",
    "schedule_status",
    "new_date_pending",
    "cancellation_reason",
    "cancelled_at",
    "schedule_sequence",
)


def period_span(day: dt.date, precision: str, time_zone: str) -> tuple[dt.datetime, dt.datetime]:
    """
    The first and last moment (in UTC) of the day, month or year around `day`, on the clock of
    `time_zone`: a meeting announced for July 2026 spans 1 July 00:00 to 31 July 23:59 there.
    """
    first, last = truncate_to_precision(day, precision), last_day_at_precision(day, precision)
    tz = zoneinfo.ZoneInfo(time_zone)
    start = dt.datetime.combine(first, dt.time(0, 0), tzinfo=tz)
    end = dt.datetime.combine(last, dt.time(23, 59), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


class OccasionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Occasions of the meetings the user may list (as a record or as an announcement); all for the Secretariat."""
        if is_secretariat(user):
            return self
        return self.filter(pk__in=Meeting.objects.listable_by(user).exclude(occasion=None).values("occasion"))


def http_url_validator():
    return URLValidator(schemes=["http", "https"], message=_("Give a web address starting with http:// or https://."))


class WebAddressFormField(forms.URLField):
    """A link to a public web page in a form: http or https only, one clear message; typed without one, https."""

    default_validators = [http_url_validator()]
    default_error_messages = {"invalid": _("Give a web address starting with http:// or https://.")}

    def __init__(self, **kwargs):
        super().__init__(**{"assume_scheme": "https", **kwargs})


class WebAddressField(models.URLField):
    """A link to a public web page: http or https only (no javascript:, no ftp:)."""

    default_validators = [http_url_validator()]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": WebAddressFormField, **kwargs})


class Occasion(Versioned, models.Model):
    """
    A wider event or process a meeting is held within, back-to-back with or alongside (a ministerial
    conference, the Berlin Process): its own record, so that the meetings held at one conference (the
    Board's and the Support Group's) name the same occasion, and a correction of its name or dates
    reaches them all.
    """

    name = models.CharField(
        _("name"),
        max_length=300,
        help_text=_("As it reads in a sentence: “the Salzburg Forum Ministerial Conference”."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("For example “Ljubljana”."))
    url = WebAddressField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_("Its public web page, if any (http:// or https://)."),
    )
    start_date = models.DateField(_("first day"), null=True, blank=True)
    end_date = models.DateField(_("last day"), null=True, blank=True, help_text=_("Empty for a one-day event."))
    # Optimistic locking: a save is refused if someone else saved since the form was opened.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = OccasionQuerySet.as_manager()

    class Meta:
        verbose_name = _("occasion")
        verbose_name_plural = _("occasions")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=False) & Q(end_date__gte=F("start_date")),
                name="occasion_end_not_before_start",
                violation_error_message=_("An occasion cannot end before it starts."),
            ),
        ]

    def __str__(self):
        parts = [self.name, self.place, self.dates_label]
        return ", ".join(part for part in parts if part)

    def clean(self):
        super().clean()
        if self.end_date and not self.start_date:
            raise ValidationError({"start_date": _("Give the first day too, or leave both empty.")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("An occasion cannot end before it starts.")})

    @property
    def dates_label(self) -> str:
        """The days of the occasion as people write them (day_range), or "" when none are recorded."""
        return day_range(self.start_date, self.end_date)


def day_range(start, end) -> str:
    """Two days as people write them, the month and year once where they are shared: "12-13 May 2022"."""
    if not start:
        return ""
    if not end or end == start:
        return formats.date_format(start, "DATE_FORMAT")
    if (start.year, start.month) == (end.year, end.month):
        return f"{formats.date_format(start, 'j')}–{formats.date_format(end, 'DATE_FORMAT')}"
    if start.year == end.year:
        return f"{formats.date_format(start, 'MONTH_DAY_FORMAT')} – {formats.date_format(end, 'DATE_FORMAT')}"
    return f"{formats.date_format(start, 'DATE_FORMAT')} – {formats.date_format(end, 'DATE_FORMAT')}"


def preparation_rule(user) -> tuple[list[str] | None, bool]:
    """
    Who may prepare for which meeting (read its agenda's items and papers): the states whose records
    `user` reads (None: every state) and whether every announced meeting counts too (Board members).
    Meeting.objects.prepared_for and Meeting.is_prepared_for both read it: one rule, as a query and on a row.
    """
    return visible_statuses(user), is_board_member(user)


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

    def listable_by(self, user):
        """
        What the meeting lists, the home page and the calendars may list for `user`: the meetings whose
        record they may see (visible_to) and, for everyone, the meetings the Secretariat announced.
        Every row is read as its announcement (ANNOUNCED_FIELDS; nothing else is selected), with
        `record_visible` saying whether the user may open the record, and, only where they may,
        `listed_status` (the record's state) and `listed_summary` (its public summary). A row seen
        only as an announcement refuses to load anything else (Meeting.refresh_from_db).

        Pages of a record (the record, its PDF, decisions, agenda, participants, documents, search)
        keep using visible_to.
        """
        statuses = visible_statuses(user)
        if statuses is None:
            return self.annotate(
                record_visible=Value(True, output_field=BooleanField()),
                listed_status=F("status"),
                listed_summary=F("public_summary"),
            )
        record = Q(status__in=statuses)
        return (
            self.filter(record | Q(announced_at__isnull=False))
            .only(*ANNOUNCED_FIELDS)
            .annotate(
                record_visible=Case(When(record, then=Value(True)), default=Value(False), output_field=BooleanField()),
                listed_status=Case(When(record, then=F("status")), default=Value(""), output_field=CharField()),
                listed_summary=Case(
                    When(record, then=F("public_summary")), default=Value(""), output_field=TextField()
                ),
            )
        )

    def announced(self):
        return self.filter(announced_at__isnull=False)

    def prepared_for(self, user):
        """
        Meetings whose agenda and papers `user` may read to prepare for them: those whose record they may
        see (visible_to) and, for Board members, every meeting the Secretariat announced, its record a
        draft or not (the papers of the next meeting are read before it, long before its minutes are
        circulated). Only the announcement, the agenda's items (never their minutes notes) and the papers
        are read through it; the record itself keeps visible_to. The public: the published records only.
        """
        statuses, announced_too = preparation_rule(user)
        if statuses is None:
            return self
        if not announced_too:
            return self.visible_to(user)
        return self.filter(Q(status__in=statuses) | Q(announced_at__isnull=False))

    def for_listing(self):
        """With what every listing of a meeting shows: its pillar, its occasion, the dates announced before."""
        return self.select_related("pillar", "occasion").prefetch_related("reschedules")

    def search(self, text: str, user):
        """Meetings the user may see that match `text`; the minutes are searched only for those who may read them."""
        groups = [("search_public", MEETING_PUBLIC_FIELDS)]
        if is_board_member(user):
            groups.append(("search_minutes", MEETING_MINUTES_FIELDS))
        return search.search_queryset(self.visible_to(user), text, groups)

    def published(self):
        return self.filter(status=RecordStatus.PUBLISHED)

    def upcoming(self, now=None):
        """Meetings still to come, soonest first; those postponed without a new date last."""
        now = now or timezone.now()
        return self.filter(Q(end__gte=now) | Q(new_date_pending=True)).order_by("new_date_pending", "start")

    def past(self, now=None):
        """Meetings whose (last) day has passed, latest first; a meeting waiting for a new date has not."""
        return self.filter(end__lt=now or timezone.now(), new_date_pending=False).order_by("-start")


class Meeting(Versioned, WithholdingMixin, WorkflowRecord):
    class Kind(models.TextChoices):
        BOARD = "board", _("Board meeting")
        SUPPORT_GROUP = "support_group", _("Support Group meeting")
        PILLAR = "pillar", _("Pillar meeting")
        OTHER = "other", _("Other meeting")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class OccasionRelation(models.TextChoices):
        # Read in a sentence: "Held back-to-back with the Salzburg Forum Ministerial Conference".
        WITHIN = "within", _("held within")
        BACK_TO_BACK = "back_to_back", _("held back-to-back with")
        ALONGSIDE = "alongside", _("held alongside")

    class ScheduleStatus(models.TextChoices):
        SCHEDULED = "scheduled", _("As announced")
        POSTPONED = "postponed", _("Postponed")
        CANCELLED = "cancelled", _("Cancelled")

    # The record's workflow is the portal's (core.workflow): draft → circulated → published.
    Status = RecordStatus
    # Withheld from the public (core.projection): the minutes are for Board members and the Secretariat.
    withheld_fields = ("minutes", "search_minutes")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BOARD)
    pillar = models.ForeignKey(
        Pillar,
        verbose_name=_("pillar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("For a pillar meeting, and a Support Group meeting of one pillar."),
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
    date_precision = models.CharField(
        _("dates known to the"),
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_("“Month” for a meeting announced for July without its days: it reads “July 2026”."),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    occasion = models.ForeignKey(
        Occasion,
        verbose_name=_("wider occasion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("The event or process the meeting was held within, back-to-back with or alongside."),
    )
    occasion_relation = models.CharField(
        _("held"),
        max_length=20,
        choices=OccasionRelation.choices,
        blank=True,
        help_text=_("How it relates to the occasion."),
    )
    participants_in_person = models.PositiveIntegerField(
        _("took part in person"),
        null=True,
        blank=True,
        help_text=_("How many, when not everyone is named. Empty if not known."),
    )
    participants_online = models.PositiveIntegerField(
        _("took part online"),
        null=True,
        blank=True,
        help_text=_("How many, when not everyone is named. Empty if not known."),
    )
    public_summary = models.TextField(
        _("public summary"), blank=True, help_text=_("Markdown. Shown to the public once the meeting is published.")
    )
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("Markdown. Shown to Board members and the Secretariat only.")
    )
    # status (core.workflow.WorkflowRecord): draft, circulated or published.
    circulated_at = models.DateTimeField(_("circulated at"), null=True, blank=True)
    published_at = models.DateTimeField(_("record published at"), null=True, blank=True)
    first_published_on = models.DateField(
        _("record first made public on"),
        null=True,
        blank=True,
        help_text=format_lazy(
            _(
                "For a record entered after the fact: the day it was first made public (on the IISG website, in a "
                "press release). Pages give it as the record's publication date. Left empty, they give the day it "
                "is published here, or, for a record published here more than {days} days after the meeting, no date."
            ),
            days=ENTERED_AFTER_THE_FACT.days,
        ),
    )
    # Announcing is not publishing: the public lists the meeting (ANNOUNCED_FIELDS), not its record.
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    schedule_status = models.CharField(
        _("schedule"), max_length=20, choices=ScheduleStatus.choices, default=ScheduleStatus.SCHEDULED
    )
    new_date_pending = models.BooleanField(
        _("new date to be announced"), default=False, help_text=_("Postponed, and the new date is not known yet.")
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for the cancellation"), blank=True)
    # The iCalendar SEQUENCE: counted up with every change of the dates or the schedule, so that
    # calendar clients replace the event they hold (RFC 5545, 3.8.7.4).
    schedule_sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Stored search vectors (core.search), computed by the database; the minutes' one is withheld with them.
    search_public = search.vector_field(MEETING_PUBLIC_FIELDS)
    search_minutes = search.vector_field(MEETING_MINUTES_FIELDS)
    history = HistoricalRecords(
        excluded_fields=["version", "updated_at", "schedule_sequence", "search_public", "search_minutes"]
    )

    objects = search.SearchVectorsDeferred.from_queryset(MeetingQuerySet)()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        permissions = [
            ("publish_meeting", _("Can circulate, publish, unpublish and correct a meeting record")),
        ]
        constraints = [
            # Numbered per kind (the 6th Board meeting), and per kind and pillar where there is a
            # pillar (the 2nd WBCTi Support Group meeting and the 2nd WBBSi one are both "2nd").
            models.UniqueConstraint(
                fields=["kind", "ordinal"],
                condition=Q(ordinal__isnull=False) & Q(pillar__isnull=True),
                name="meeting_unique_kind_ordinal",
                violation_error_message=_("A meeting of this kind with this number already exists."),
            ),
            models.UniqueConstraint(
                fields=["kind", "pillar", "ordinal"],
                condition=Q(ordinal__isnull=False) & Q(pillar__isnull=False),
                name="meeting_unique_pillar_ordinal",
                violation_error_message=_("A meeting of this kind and pillar with this number already exists."),
            ),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="meeting_end_not_before_start",
                violation_error_message=_("A meeting cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(occasion__isnull=True, occasion_relation="")
                | Q(occasion__isnull=False) & ~Q(occasion_relation=""),
                name="meeting_occasion_with_relation",
                violation_error_message=_("Say how the meeting relates to its occasion."),
            ),
            models.CheckConstraint(
                condition=Q(new_date_pending=False) | Q(schedule_status="postponed"),
                name="meeting_new_date_pending_only_postponed",
                violation_error_message=_("Only a postponed meeting waits for a new date."),
            ),
        ]
        indexes = [
            # The meeting lists and the home page: visible meetings by status, upcoming/past by date.
            models.Index(fields=["status", "start"], name="meeting_status_start_idx"),
            # The same lists for the public: announced meetings whose record is not published yet.
            models.Index(fields=["start"], condition=Q(announced_at__isnull=False), name="meeting_announced_start_idx"),
            # Filter by kind and year on /meetings/.
            models.Index(fields=["kind", "start"], name="meeting_kind_start_idx"),
            # Anything ordered by the meeting's start across states (the decision register, newest
            # first): walked backwards, joined to each meeting's rows, stopped after one page.
            models.Index(fields=["start"], name="meeting_start_idx"),
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

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        # A row listed only as an announcement (listable_by) loads nothing more: its record is not the reader's.
        if fields and self.is_announcement_only:
            raise WithheldFieldError(
                f"Meeting.{', '.join(sorted(fields))} is not part of the announcement this reader may see."
            )
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)

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

    def is_prepared_for(self, user) -> bool:
        """Whether `user` may prepare for this meeting: Meeting.objects.prepared_for's rule, on this row (no query)."""
        statuses, announced_too = preparation_rule(user)
        if statuses is None or (announced_too and self.announced_at is not None):
            return True
        # A listed row (listable_by) says whether its record is the reader's without loading its state.
        listed = getattr(self, "record_visible", None)
        if listed is not None:
            return listed
        return self.status in statuses

    @property
    def has_passed(self) -> bool:
        """Its (last) day is over; a meeting postponed without a new date has not passed."""
        return self.end < timezone.now() and not self.new_date_pending

    # --- The record, or only the announcement -----------------------------------------------------

    @property
    def is_announcement_only(self) -> bool:
        """Listed (listable_by) for a reader who may see its announcement but not its record."""
        return getattr(self, "record_visible", True) is False

    @property
    def record_status(self) -> str:
        """The record's state as the reader may know it: "" when they see only the announcement."""
        listed = getattr(self, "listed_status", None)
        return self.status if listed is None else listed

    @property
    def summary_as_listed(self) -> str:
        """The public summary, where the reader may read the record ("" for an announcement)."""
        listed = getattr(self, "listed_summary", None)
        return self.public_summary if listed is None else listed

    @property
    def is_draft(self) -> bool:
        """A record not yet published: shown marked DRAFT to those who may see it (never an announcement)."""
        return self.record_status in (RecordStatus.DRAFT, RecordStatus.CIRCULATED)

    @property
    def published_on(self) -> dt.date | None:
        """
        The day the record's pages give as its publication: the day the Secretariat says it was first
        made public; else the day it was published here, unless that was more than ENTERED_AFTER_THE_FACT
        after the meeting ended (a record entered after the fact: no day rather than the entry day).
        None while it is not published.
        """
        if self.status != RecordStatus.PUBLISHED:
            return None
        if self.first_published_on:
            return self.first_published_on
        if self.published_at is None or self.published_at - self.end > ENTERED_AFTER_THE_FACT:
            return None
        return timezone.localdate(self.published_at)

    @property
    def is_announced(self) -> bool:
        return self.announced_at is not None

    # --- The schedule -------------------------------------------------------------------------------

    @property
    def is_postponed(self) -> bool:
        return self.schedule_status == self.ScheduleStatus.POSTPONED

    @property
    def is_cancelled(self) -> bool:
        return self.schedule_status == self.ScheduleStatus.CANCELLED

    @property
    def dates_are_exact(self) -> bool:
        """The days are known (not only the month or year)."""
        return self.date_precision == DatePrecision.DAY

    @property
    def dates_at_precision(self) -> str:
        """The meeting's dates as far as they are known: "July 2026", "2027"; "" when the days are known."""
        if self.dates_are_exact:
            return ""
        return format_at_precision(self.local_start.date(), self.date_precision)

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.venue, self.city, self.country) if part)

    @property
    def ordinal_label(self) -> str:
        return ordinal(self.ordinal) if self.ordinal else ""

    @property
    def has_participant_counts(self) -> bool:
        return self.participants_in_person is not None or self.participants_online is not None

    def build_slug(self) -> str:
        year = self.local_start.year if self.start else ""
        if self.ordinal and self.kind != self.Kind.OTHER:
            # In English whatever the editor's language: an address is the same for every reader.
            with override("en"):
                kind = str(self.get_kind_display())
            if self.pillar_id:
                kind = self.pillar.code if self.kind == self.Kind.PILLAR else f"{self.pillar.code} {kind}"
            base = f"{english_ordinal(self.ordinal)} {kind} {year}"
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
        if self.kind not in (self.Kind.PILLAR, self.Kind.SUPPORT_GROUP) and self.pillar_id:
            errors["pillar"] = _("Only pillar meetings and Support Group meetings have a pillar.")
        # `occasion`, not its id: an occasion named on the spot is saved with the meeting (save_meeting).
        if self.occasion is not None and not self.occasion_relation:
            errors["occasion_relation"] = _("Say how the meeting relates to the occasion.")
        if self.occasion_relation and self.occasion is None:
            errors["occasion"] = _("Choose the occasion or name a new one, or leave “held” empty.")
        if self.new_date_pending and self.schedule_status != self.ScheduleStatus.POSTPONED:
            errors["new_date_pending"] = _("Only a postponed meeting waits for a new date.")
        if self.first_published_on is not None:
            error = self._first_published_on_error()
            if error:
                errors["first_published_on"] = error
        if errors:
            raise ValidationError(errors)
        if not self.dates_are_exact:
            # Known only to the month or year: the meeting spans it, and no day or time is shown.
            self.all_day = True
            try:
                if self.start:
                    self.start, self.end = period_span(self.local_start.date(), self.date_precision, self.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass  # an unknown time zone: said beside its field already

    def _first_published_on_error(self) -> str:
        """Why the day the record was first made public cannot be right ("" when it can)."""
        day = self.first_published_on
        if day > clock.localdate():
            return _("The record cannot have been made public after today.")
        # The meeting's first day where it took place (a start the form could not read is said beside its field).
        try:
            first_day = self.start.astimezone(self.tz).date() if _aware_datetime(self.start) else None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            first_day = None  # an unknown time zone: said beside its field
        if first_day is not None and day < first_day:
            return _("The record cannot have been made public before the meeting.")
        if self.published_at is not None and day > timezone.localdate(self.published_at):
            return _("The record was published here on %(day)s: it was first made public then or earlier.") % {
                "day": formats.date_format(timezone.localdate(self.published_at), "DATE_FORMAT")
            }
        return ""

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
    previous_precision = models.CharField(
        _("previous dates known to the"), max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    new_date_pending = models.BooleanField(
        _("new date to be announced"), default=False, help_text=_("Postponed without a new date.")
    )
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
        return f"{self.meeting}: {self.previous_dates}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            # Each reschedule is a new version of the meeting's calendar event (its SEQUENCE), however
            # it is recorded (the editing pages, the admin).
            Meeting.objects.filter(pk=self.meeting_id).update(schedule_sequence=F("schedule_sequence") + 1)
            if Reschedule.meeting.is_cached(self):
                self.meeting.schedule_sequence += 1

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        """The meeting's time zone: the dates announced before are read where the meeting takes place."""
        return self.meeting.tz

    @property
    def previous_dates(self) -> str:
        """The dates announced before, as far as they were known, on the meeting's own calendar: "July 2026"."""
        start = self.previous_start.astimezone(self.tz).date()
        end = self.previous_end.astimezone(self.tz).date()
        if self.previous_precision != DatePrecision.DAY:
            return format_at_precision(start, self.previous_precision)
        day = weekday_format()
        if end == start:
            return formats.date_format(start, day)
        return f"{formats.date_format(start, day)} – {formats.date_format(end, day)}"


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
        return f"{self.get_kind_display()} {long_date(timezone.localdate(self.created_at))}: {self.reason[:60]}"

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


# The most participants the participants page and the admin save for one meeting: the 6th Board
# meeting named 15, and 200 rows (about 2,600 fields) stay below DATA_UPLOAD_MAX_NUMBER_FIELDS. A post
# that asks for more rows is refused, never built (core.forms.LimitedRowsFormSetMixin).
MAX_PARTICIPANTS = 200


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
        # Fill in what the person was at the time, so the record stays true after they move on. The
        # editing pages and the admin ask (clean()); this is for code that writes rows directly.
        if self.person_id:
            if not self.position:
                self.position = self.position_at_the_time() or self.person.position_title
            if not self.organisation_id:
                self.organisation_id = self.person.organisation_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()

    def clean(self):
        super().clean()
        if not self.person_id and not self.organisation_id:
            raise ValidationError(_("Name a person, an organisation, or both."))
        if self.person_id and not self.position and self.meeting_id:
            # What is known is filled in (the editing pages say so): the post recorded at the person's
            # latest earlier meeting, else their post on record. Asked only when neither says one.
            position = self.position_on_record()
            if not position:
                raise ValidationError({"position": self.position_missing_message()})
            self.position = position

    def position_on_record(self) -> str:
        """The position at the time as far as the records know it: the nearest earlier meeting's, else the person's."""
        if not self.person_id:
            return ""
        return self.position_at_the_time() or self.person.position_title

    def position_missing_message(self) -> str:
        return _(
            "Type the position %(person)s held at this meeting (for example “Minister of Interior”): neither an "
            "earlier meeting nor the person's record gives one."
        ) % {"person": self.person}

    def position_at_the_time(self) -> str:
        """
        The person's position as recorded at their nearest earlier meeting (the participation with the
        latest start before this meeting), or "" when no earlier meeting records one.
        """
        if not (self.person_id and self.meeting_id):
            return ""
        return position_before(self.person_id, self.meeting.start, exclude_meeting=self.meeting_id)


def position_before(person_id: int, moment, *, exclude_meeting: int | None = None) -> str:
    """The position of a person as recorded at their latest meeting that started before `moment`; "" if none."""
    earlier = Participation.objects.filter(person_id=person_id, meeting__start__lt=moment).exclude(position="")
    if exclude_meeting is not None:
        earlier = earlier.exclude(meeting_id=exclude_meeting)
    return earlier.order_by("-meeting__start", "-pk").values_list("position", flat=True).first() or ""


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

    def agenda_visible_to(self, user):
        """
        The items of the agendas `user` may read to prepare a meeting (Meeting.objects.prepared_for):
        their title, kind and presenters, never their minutes notes (deferred: those are the minutes,
        read through visible_to only). The public reads no agenda (visible_to).
        """
        if not is_board_member(user):
            return self.none()
        return self.filter(meeting__in=Meeting.objects.prepared_for(user).values("pk")).defer("notes")

    def search(self, text: str, user):
        return search.search_queryset(self.visible_to(user), text, [("search_vector", AGENDA_ITEM_FIELDS)])


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
    # The stored search vector (core.search), computed by the database.
    search_vector = search.vector_field(AGENDA_ITEM_FIELDS)
    history = HistoricalRecords(
        m2m_fields=[presenters, presenting_organisations], excluded_fields=["version", "search_vector"]
    )

    objects = search.SearchVectorsDeferred.from_queryset(AgendaItemQuerySet)()

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
