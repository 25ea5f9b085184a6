"""What the Board decided and what it acted upon: documents, decisions and follow-up actions."""

import functools
import operator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, models
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import search, visibility
from core.locking import Versioned
from core.lookups import among
from core.roles import is_board_member
from core.workflow import RecordStatus, WorkflowRecord, in_state, visible_statuses
from meetings.models import AgendaItem, Meeting
from members.models import Membership, Organisation, Person, Pillar, RoleHeld, organisations_represented_by

# The fields of each search vector (core.search). Changing one needs a migration of its GIN index.
DECISION_FIELDS = ("reference", "subject", "wording")
DOCUMENT_FIELDS = ("title", "description")


class DocumentKind(models.Model):
    """A kind of IISG output (needs mapping, work plan, …): data, so that an admin can add one."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, help_text=_("In the documents filter's address."))
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Lower comes first in lists."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document kind")
        verbose_name_plural = _("document kinds")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("decisions:document-list") + f"?kind={self.slug}"

    @classmethod
    def other(cls) -> "DocumentKind":
        """The kind of a document whose kind nobody gave ("Other", seeded by the migrations)."""
        kind, _created = cls.objects.get_or_create(slug="other", defaults={"name": "Other", "order": 100})
        return kind


# A decision is taken in one record: a meeting, or a written procedure (decision_meeting_or_procedure).
RECORDS_DECIDING = ("meeting", "procedure")


def decided_in(statuses, via: str = "") -> list[Q]:
    """
    The one rule "decided in a record in one of `statuses`" (decisions reached through `via`, e.g.
    "decision__"): one condition per kind of record, for a UNION ALL of sources (core.visibility), each
    on its own index; `decided_in_any` joins them with OR where one filter is wanted.
    """
    return [in_state(statuses, f"{via}{record}__") for record in RECORDS_DECIDING]


def decided_in_any(statuses, via: str = "") -> Q:
    return functools.reduce(operator.or_, decided_in(statuses, via))


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Documents a user may see: the Secretariat sees all; Board members see a document once a
        decision they may see (of a meeting or of a written procedure) acted on it (a draft's outputs
        stay unseen until released), so that they see every document of every decision they read.
        Documents are part of the full record, not of the public part: the public sees none (the
        public register still says, in each decision's subject and wording, what was decided on, and
        how many documents it acted on: DecisionQuerySet.with_acted_on).
        """
        statuses = visible_statuses(user)
        if statuses is None:
            return self
        if not is_board_member(user):
            return self.none()
        # Each an EXISTS correlated to the document (core.visibility): index look-ups, not every decision.
        links = Decision.documents.through.objects
        sources = [visibility.Source(links.filter(rule), "document") for rule in decided_in(statuses, "decision__")]
        # The documents a procedure consults the members on: they read them to answer.
        consulted_on = WrittenProcedure.documents.through.objects.filter(in_state(statuses, "writtenprocedure__"))
        sources.append(visibility.Source(consulted_on, "document"))
        # The papers put before a meeting they may read.
        sources.append(visibility.Source(MeetingPaper.objects.filter(in_state(statuses, "meeting__")), "document"))
        # The papers of a meeting the Secretariat announced: Board members read them to prepare for it,
        # while its record is still a draft (Meeting.objects.prepared_for).
        sources.append(visibility.Source(MeetingPaper.objects.filter(meeting__announced_at__isnull=False), "document"))
        return self.filter(visibility.exists_any(source.pointing_at() for source in sources))

    def search(self, text: str, user):
        return search.search_queryset(self.visible_to(user), text, [("search_vector", DOCUMENT_FIELDS)])


class Document(Versioned, models.Model):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    kind = models.ForeignKey(DocumentKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="documents")
    pillars = models.ManyToManyField(Pillar, verbose_name=_("pillars"), blank=True, related_name="documents")
    period_start = models.PositiveSmallIntegerField(_("period from (year)"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("period to (year)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The stored search vector (core.search), computed by the database.
    search_vector = search.vector_field(DOCUMENT_FIELDS)
    history = HistoricalRecords(m2m_fields=[pillars], excluded_fields=["version", "updated_at", "search_vector"])

    objects = search.SearchVectorsDeferred.from_queryset(DocumentQuerySet)()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-period_start", "title"]
        # The document list's order, so that its first page is read from the index, not sorted from every row.
        indexes = [models.Index(F("period_start").desc(), "title", name="document_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="document_period_end_not_before_start",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slug = slugify(self.title)[:190] or "document"
            n = 2
            while Document.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug = f"{base}-{n}"
                n += 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("decisions:document-detail", args=[self.slug])

    @property
    def period(self) -> str:
        if self.period_start and self.period_end and self.period_end != self.period_start:
            return f"{self.period_start}–{self.period_end}"
        return str(self.period_start or self.period_end or "")


def document_file_path(instance: "DocumentFile", filename: str) -> str:
    # Each version gets its own path: an earlier version is never overwritten.
    suffix = Path(filename).suffix.lower()
    return f"documents/{instance.document.slug}/v{instance.number}{suffix}"


class DocumentFile(models.Model):
    """One uploaded version of a document's file."""

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="files")
    number = models.PositiveSmallIntegerField(_("version number"))
    file = models.FileField(_("file"), upload_to=document_file_path, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document file version")
        verbose_name_plural = _("document file versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="document_file_unique_number",
                violation_error_message=_("This document already has a file with this version number."),
            ),
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    def get_absolute_url(self):
        return self.document.get_absolute_url()


class MeetingPaper(models.Model):
    """
    A document put before a meeting (its papers): under an agenda item, or for the meeting as a whole,
    in the order the Board reads them. Part of the full record: Board members read the papers of a
    meeting they may read; the public sees none (DocumentQuerySet.visible_to).
    """

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="papers")
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="meeting_papers"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="papers",
        help_text=_("Leave empty for a paper of the meeting as a whole."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting paper")
        verbose_name_plural = _("meeting papers")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "document"],
                name="meeting_paper_once",
                violation_error_message=_("This document is already a paper of this meeting."),
            ),
        ]

    def __str__(self):
        return str(self.document)

    def get_absolute_url(self):
        return self.document.get_absolute_url()


class NewestFirstPages:
    """
    A register's decisions in `newest_first()` order, as a Paginator slices them: in two steps, the
    page's ids first (`newest_first_ids()`, index-ordered), then those rows with what `rows` adds
    (related data, prefetches), in that order. Sorting every visible decision to show 25 grew with
    the register (125 ms at 100 times today's volume); this does not, on the first pages.
    """

    def __init__(self, decisions, rows):
        self.decisions = decisions  # a DecisionQuerySet, filtered as the user may see it
        self.rows = rows  # DecisionQuerySet -> the same with related data

    def count(self) -> int:
        return self.decisions.count()

    def count_at_most(self, limit: int) -> int:
        """The count, stopping at `limit` rows (core.pagination): a count of every visible decision grew with them."""
        return self.decisions.order_by().values("pk")[:limit].count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("NewestFirstPages takes a slice without a step.")
        ids = self.decisions.newest_first_ids(key.start or 0, key.stop)
        if not ids:
            return []
        by_id = {decision.pk: decision for decision in self.rows(Decision.objects.filter(pk__in=ids))}
        return [by_id[pk] for pk in ids]


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user, *, correlated: bool = False):
        """
        A decision is seen by whoever may see its meeting, or its written procedure.

        By default as subqueries of ids, no join (the register's one query stays on the decision table,
        and its walk of every decision hashes the few visible meetings once). `correlated=True`: the same
        rule as an EXISTS per row, correlated to the decision's meeting and procedure, for the few
        decisions reached through other rows (a prefetch through a link table: the decisions behind a
        page's memberships, roles or documents). There PostgreSQL charges the hashed `IN` subqueries'
        set-up to every row of a nested loop, so it hashed every decision instead (117 ms for 25
        documents' decisions at 100 times today's volume; 1 ms as EXISTS, index look-ups).
        """
        statuses = visible_statuses(user)
        if statuses is None:
            return self
        meetings = Meeting.objects.visible_to(user)
        procedures = WrittenProcedure.objects.visible_to(user)
        if correlated:
            return self.filter(
                Exists(meetings.order_by().filter(pk=OuterRef("meeting_id")))
                | Exists(procedures.order_by().filter(pk=OuterRef("procedure_id")))
            )
        return self.filter(Q(meeting__in=meetings) | Q(procedure__in=procedures.values("pk")))

    def newest_first(self):
        """The register's order: by the meeting's start or the procedure's closing, newest first."""
        return self.annotate(decided_at=Coalesce("meeting__start", "procedure__closed_at")).order_by(
            F("decided_at").desc(nulls_last=True), "sequence", "reference"
        )

    def newest_first_ids(self, start: int, stop: int) -> list[int]:
        """
        The ids of `newest_first()[start:stop]` in one query, without sorting every row: the first
        `stop` decisions of meetings by the meeting's start (PostgreSQL walks meeting_start_idx newest
        first and each meeting's decisions by their sequence, and stops there), UNION ALL the first
        `stop` decisions of written procedures by their closing, and those few sorted. A decision has a
        meeting or a procedure, never both (decision_meeting_or_procedure): newest_first()'s Coalesce.

        In SQL written here because Django puts no ORDER BY/LIMIT in a UNION's parts on SQLite, where
        a part in a FROM subquery takes them.
        """
        at_meetings = (
            self.filter(meeting__start__isnull=False)  # an inner join: the meeting's index orders the walk
            .annotate(decided_at=F("meeting__start"))
            .order_by("-meeting__start", "sequence", "reference")
            .values_list("pk", "decided_at", "sequence", "reference")[:stop]
        )
        by_procedure = (
            self.filter(meeting__isnull=True)
            .annotate(decided_at=F("procedure__closed_at"))
            .order_by(F("procedure__closed_at").desc(nulls_last=True), "sequence", "reference")
            .values_list("pk", "decided_at", "sequence", "reference")[:stop]
        )
        try:
            sql_a, params_a = at_meetings.query.sql_with_params()
            sql_b, params_b = by_procedure.query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing (.none())
            return []
        sql = (
            f'SELECT u."pk" FROM (SELECT * FROM ({sql_a}) a UNION ALL SELECT * FROM ({sql_b}) b) u'
            ' ORDER BY u."decided_at" DESC NULLS LAST, u."sequence", u."reference" LIMIT %s OFFSET %s'
        )  # the columns as values_list() names them
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, (*params_a, *params_b, stop - start, start))
            return [row[0] for row in cursor.fetchall()]

    def search(self, text: str, user):
        return search.search_queryset(self.visible_to(user), text, [("search_vector", DECISION_FIELDS)])

    def with_acted_on(self, user):
        """
        Prefetch, as far as `user` may see them, each decision's meeting and what it acted on:
        `visible_documents`, `visible_memberships` (with organisations), `visible_roles` (with
        posts, holders and pillars); and whom it names: its proposer, `concerned_organisations` and
        `concerned_people`. Templates read these, never `decision.documents.all` (which skips the rules).

        Whoever may see a decision may see whom it names (visibility_rules grants them), so those
        are prefetched without a rule of their own.

        A reader who is not a Board member is also told how many documents each decision acted on
        (`members_only_documents`, "1 document for Board members only"), never which: documents are
        for Board members (Document.visible_to), and a Board member sees every document of every
        decision they see. Nothing else hidden is counted: a membership or a role held is hidden from
        a reader of the decision only while a decision they may not see (a draft's) acted on it too,
        and a count would tell them of that draft.
        """
        # A decision's procedure is seen with it (the decision is visible only if its procedure is).
        rows = self
        if not is_board_member(user):
            rows = rows.annotate(members_only_documents=_links_counted(Decision.documents.through))
        return rows.select_related("proposed_by_organisation", "proposed_by_person", "procedure").prefetch_related(
            models.Prefetch("meeting", queryset=Meeting.objects.visible_to(user)),
            models.Prefetch(
                "documents",
                queryset=Document.objects.visible_to(user).select_related("kind").order_by("title"),
                to_attr="visible_documents",
            ),
            # correlated: the hiding rule as NOT EXISTS for the few rows of these decisions, not a hash of every
            # link of every unreleased decision built for each page (core.visibility.without_hidden).
            models.Prefetch(
                "memberships",
                queryset=Membership.objects.visible_to(user, correlated=True).select_related("organisation"),
                to_attr="visible_memberships",
            ),
            models.Prefetch(
                "roles",
                queryset=RoleHeld.objects.visible_to(user, correlated=True).with_people(),
                to_attr="visible_roles",
            ),
            models.Prefetch(
                "concerns_organisations",
                queryset=Organisation.objects.order_by("name"),
                to_attr="concerned_organisations",
            ),
            models.Prefetch(
                "concerns_people", queryset=Person.objects.select_related("organisation"), to_attr="concerned_people"
            ),
        )

    def concerning_organisation(self, organisation: Organisation):
        """
        Decisions that concern `organisation`: they name it as concerned or as proposer, or act on its
        membership or on a role it (or one of its people) held or was represented in. The register's
        organisation filter and the organisation's page.
        """
        links = Decision.concerns_organisations.through.objects.filter(organisation=organisation).values("decision")
        memberships = Decision.memberships.through.objects.filter(membership__organisation=organisation)
        # One part per way a role concerns it, each on its own index (an OR across the role and its
        # holder read every person).
        roles = Decision.roles.through.objects
        return self.filter(
            among(
                _ids_of_any(
                    links,
                    Decision.objects.filter(proposed_by_organisation=organisation).values("pk"),
                    memberships.values("decision"),
                    roles.filter(roleheld__organisation=organisation).values("decision"),
                    roles.filter(roleheld__represented=organisation).values("decision"),
                    roles.filter(roleheld__person__organisation=organisation).values("decision"),
                )
            )
        )

    def concerning_person(self, person: Person):
        """Decisions that name `person` as concerned or as proposer, or that made a role they held."""
        return self.filter(
            among(
                _ids_of_any(
                    Decision.concerns_people.through.objects.filter(person=person).values("decision"),
                    Decision.objects.filter(proposed_by_person=person).values("pk"),
                    Decision.roles.through.objects.filter(roleheld__person=person).values("decision"),
                )
            )
        )

    def concerning_pillar(self, pillar: Pillar):
        """Decisions of the pillar's meetings, on its documents, or on the roles held for it (lead partners)."""
        return self.filter(
            among(
                _ids_of_any(
                    Decision.documents.through.objects.filter(document__pillars=pillar).values("decision"),
                    Decision.objects.filter(meeting__pillar=pillar).values("pk"),
                    Decision.roles.through.objects.filter(roleheld__pillar=pillar).values("decision"),
                )
            )
        )


def _links_counted(through) -> Coalesce:
    """How many rows of a link table of Decision (`through`) point at each decision: a subquery, no join or GROUP BY."""
    per_decision = through.objects.filter(decision=OuterRef("pk")).order_by().values("decision")
    counted = per_decision.annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _ids_of_any(*id_querysets):
    """
    The ids of all `id_querysets` (each one column of decision ids) as one UNION ALL: PostgreSQL answers
    each part from its index and, through `among()`, reads the few decisions found by primary key, where
    an OR across several joined tables read every decision.
    """
    first, *rest = (queryset.order_by() for queryset in id_querysets)
    return first.union(*rest, all=True)


class Decision(Versioned, models.Model):
    class Verb(models.TextChoices):
        ENDORSED = "endorsed", _("Endorsed")
        ADOPTED = "adopted", _("Adopted")
        ENDORSED_ADOPTED = "endorsed_adopted", _("Endorsed and adopted")
        APPROVED = "approved", _("Approved")
        AGREED = "agreed", _("Agreed")
        APPOINTED = "appointed", _("Appointed")
        TOOK_NOTE = "took_note", _("Took note")
        REJECTED = "rejected", _("Rejected")
        DEFERRED = "deferred", _("Deferred")

    # Taken at a meeting, or by a written procedure (exactly one of the two: decision_meeting_or_procedure).
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="decisions", null=True, blank=True
    )
    procedure = models.OneToOneField(
        "decisions.WrittenProcedure",
        verbose_name=_("written procedure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    reference = models.CharField(
        _("reference"), max_length=40, unique=True, help_text=_("Stable reference such as B6/2022/04.")
    )
    sequence = models.PositiveSmallIntegerField(_("number within the meeting"), default=1)
    verb = models.CharField(_("verb"), max_length=20, choices=Verb.choices)
    subject = models.CharField(_("subject"), max_length=300, help_text=_("What was decided on, in a few words."))
    wording = models.TextField(_("wording as recorded"), blank=True, help_text=_("Verbatim, as in the minutes."))
    proposed_by_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on the proposal of (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions_proposed",
    )
    proposed_by_person = models.ForeignKey(
        Person,
        verbose_name=_("on the proposal of (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions_proposed",
    )
    concerns_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("concerns (organisations)"),
        blank=True,
        related_name="decisions_concerning",
        help_text=_("Organisations the decision is about, so that their pages and the register's filter find it."),
    )
    concerns_people = models.ManyToManyField(
        Person, verbose_name=_("concerns (people)"), blank=True, related_name="decisions_concerning"
    )
    effective_from = models.DateField(
        _("effective from"),
        null=True,
        blank=True,
        help_text=_("Only when it applies from another date than the meeting's (“the rules apply from 1 January”)."),
    )
    documents = models.ManyToManyField(Document, verbose_name=_("documents"), blank=True, related_name="decisions")
    memberships = models.ManyToManyField(
        Membership, verbose_name=_("memberships"), blank=True, related_name="decisions"
    )
    roles = models.ManyToManyField(RoleHeld, verbose_name=_("roles held"), blank=True, related_name="decisions")
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The stored search vector (core.search), computed by the database.
    search_vector = search.vector_field(DECISION_FIELDS)
    history = HistoricalRecords(
        m2m_fields=[documents, memberships, roles, concerns_organisations, concerns_people],
        excluded_fields=["version", "updated_at", "search_vector"],
    )

    objects = search.SearchVectorsDeferred.from_queryset(DecisionQuerySet)()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-meeting__start", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "sequence"],
                name="decision_unique_sequence",
                violation_error_message=_("Another decision of this meeting has this number."),
            ),
            models.CheckConstraint(
                condition=Q(meeting__isnull=False, procedure__isnull=True)
                | Q(meeting__isnull=True, procedure__isnull=False),
                name="decision_meeting_or_procedure",
                violation_error_message=_("A decision is taken at a meeting or by a written procedure: exactly one."),
            ),
            models.CheckConstraint(
                condition=Q(proposed_by_organisation__isnull=True) | Q(proposed_by_person__isnull=True),
                name="decision_one_proposer",
                violation_error_message=_("A decision is on the proposal of an organisation or of a person, not both."),
            ),
        ]
        indexes = [
            # The register filtered by verb, newest first.
            models.Index(fields=["verb", "meeting"], name="decision_verb_meeting_idx"),
        ]

    def __str__(self):
        return f"{self.reference} — {self.get_verb_display()}: {self.subject}"

    def get_absolute_url(self):
        # The reference is the URL as it stands: /decisions/B6/2022/04/.
        return reverse("decisions:decision-detail", args=[self.reference])

    @property
    def proposed_by(self):
        return self.proposed_by_organisation or self.proposed_by_person

    @property
    def taken_in(self):
        """The meeting or the written procedure that took it: what lists group decisions by."""
        return self.meeting if self.meeting_id else self.procedure

    def clean(self):
        super().clean()
        if self.proposed_by_organisation_id and self.proposed_by_person_id:
            raise ValidationError(
                {"proposed_by_person": _("A decision is on the proposal of an organisation or of a person, not both.")}
            )

    @classmethod
    def propose_reference(cls, meeting: Meeting, sequence: int | None = None) -> str:
        """A reference like B6/2022/04: kind letter and number, year, sequence within the meeting."""
        if sequence is None:
            last = cls.objects.filter(meeting=meeting).aggregate(models.Max("sequence"))["sequence__max"] or 0
            sequence = last + 1
        letter = {"board": "B", "support_group": "SG", "pillar": "P"}.get(meeting.kind, "M")
        number = meeting.ordinal or ""
        return f"{letter}{number}/{meeting.local_start.year}/{sequence:02d}"


class ActionItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Follow-up is part of the minutes: Board members and the Secretariat, for meetings they may see."""
        if not is_board_member(user):
            return self.none()
        return self.filter(meeting__in=Meeting.objects.visible_to(user))


class ActionItem(Versioned, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="action_items"
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    description = models.TextField(_("description"))
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    owner_person = models.ForeignKey(
        Person,
        verbose_name=_("owner (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]
        indexes = [
            # /actions/ filtered by status, ordered by due date.
            models.Index(fields=["status", "due_date"], name="action_status_due_idx"),
            # /actions/ unfiltered: its first page read from the index in its order, not sorted from every row.
            models.Index(fields=["due_date", "id"], name="action_order_idx"),
        ]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return reverse("decisions:action-list") + f"#action-{self.pk}"

    @property
    def owner(self):
        return self.owner_person or self.owner_organisation

    def clean(self):
        super().clean()
        if self.decision_id and self.meeting_id and self.decision.meeting_id != self.meeting_id:
            raise ValidationError({"decision": _("The decision must belong to the same meeting.")})


class ProgressNote(Versioned, models.Model):
    action_item = models.ForeignKey(
        ActionItem, verbose_name=_("action item"), on_delete=models.CASCADE, related_name="progress_notes"
    )
    note = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["action_item", "created_at"]

    def __str__(self):
        return self.note[:80]

    def get_absolute_url(self):
        return self.action_item.get_absolute_url()


# --- Written procedures -------------------------------------------------------------------------
# Decisions between meetings: the Secretariat circulates a draft decision with a deadline, each
# consulted member organisation answers, and at the deadline (or once all have answered) the
# decision is adopted or not. The steps are in decisions/procedures.py.


class WrittenProcedureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        The record's workflow (core.workflow), as for meetings: a draft is the Secretariat's; a launched
        procedure is circulated (Board members follow it, open or closed); the public sees it once the
        Secretariat publishes its outcome.
        """
        statuses = visible_statuses(user)
        return self if statuses is None else self.filter(in_state(statuses))

    def due(self, at):
        """Open procedures whose deadline has passed at `at`: to be closed."""
        return self.filter(stage=WrittenProcedure.Stage.OPEN, deadline__lte=at)


class WrittenProcedure(Versioned, WorkflowRecord):
    class Kind(models.TextChoices):
        WRITTEN = "written", _("Written procedure (agreement of all needed)")
        SILENCE = "silence", _("Silence procedure (adopted unless someone objects)")

    class Stage(models.TextChoices):
        """The consultation's own steps; the record's state is `status` (core.workflow), as for a meeting."""

        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Outcome(models.TextChoices):
        NONE = "", _("(not yet)")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    reference = models.CharField(
        _("reference"), max_length=40, unique=True, help_text=_("Stable reference such as WP/2026/01.")
    )
    # /procedures/WP-2026-01/: the reference with its slashes turned into hyphens.
    slug = models.SlugField(_("slug"), max_length=60, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SILENCE)
    title = models.CharField(_("title"), max_length=300, help_text=_("What is to be decided, in a few words."))
    text = models.TextField(_("draft decision"), help_text=_("The decision as proposed (Markdown)."))
    verb = models.CharField(_("verb"), max_length=20, choices=Decision.Verb.choices, default=Decision.Verb.ADOPTED)
    proposed_by_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on the proposal of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedures_proposed",
    )
    documents = models.ManyToManyField(
        Document, verbose_name=_("documents concerned"), blank=True, related_name="procedures"
    )
    consulted = models.ManyToManyField(
        Organisation,
        verbose_name=_("members consulted"),
        blank=True,
        related_name="procedures_consulted",
        help_text=_("Empty: the Board members on the launch date, from the membership register."),
    )
    # What the decision changes when adopted, as data: {"kind": …, "data": {…}} of one effect of
    # decisions.effects (the same effects, with the same fields, as a meeting's decision); {} for none.
    # Applied at the closing (decisions.procedures.services.close_procedure).
    effect = models.JSONField(_("effect"), default=dict, blank=True)

    deadline = models.DateTimeField(_("deadline"), help_text=_("Date and time in the Secretariat's time zone."))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.DRAFT)
    # status (core.workflow.WorkflowRecord): draft, circulated once launched, published with its outcome.
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    tally_agree = models.PositiveSmallIntegerField(_("agree"), default=0)
    tally_object = models.PositiveSmallIntegerField(_("object"), default=0)
    tally_abstain = models.PositiveSmallIntegerField(_("abstain"), default=0)
    tally_no_answer = models.PositiveSmallIntegerField(_("no answer"), default=0)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    answers_published = models.BooleanField(
        _("individual answers public"),
        default=False,
        help_text=_("The public reads each member's answer, not only the tally."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    # Optimistic locking (core.locking): counted up on every save; a form opened before is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[documents, consulted], excluded_fields=["version", "updated_at"])

    objects = WrittenProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("written procedure")
        verbose_name_plural = _("written procedures")
        ordering = ["-deadline"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="withdrawn") | ~Q(withdrawn_reason=""),
                name="procedure_withdrawn_with_reason",
                violation_error_message=_("Say why the procedure is withdrawn."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(stage__in=["closed", "withdrawn"]),
                name="procedure_published_once_over",
                violation_error_message=_("Only the outcome of a closed or withdrawn procedure can be published."),
            ),
        ]
        indexes = [
            # close_due_procedures(): open procedures whose deadline has passed.
            models.Index(fields=["stage", "deadline"], name="procedure_stage_deadline_idx"),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.slug_for(self.reference)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("decisions:procedure-detail", args=[self.slug])

    @staticmethod
    def slug_for(reference: str) -> str:
        return slugify(reference.replace("/", "-"))[:60] or "procedure"

    @property
    def is_draft(self) -> bool:
        return self.status != RecordStatus.PUBLISHED

    @property
    def is_open(self) -> bool:
        return self.stage == self.Stage.OPEN

    @property
    def tally(self) -> dict[str, int]:
        return {
            "agree": self.tally_agree,
            "object": self.tally_object,
            "abstain": self.tally_abstain,
            "no_answer": self.tally_no_answer,
        }

    def clean(self):
        super().clean()
        if self.deadline is not None and not (2000 <= self.deadline.year <= 2999):
            # Also keeps the conversion to UTC in range (the year 1 in a zone east of Greenwich is not).
            raise ValidationError({"deadline": _("Give a deadline between the years 2000 and 2999.")})


class ProcedureAnswerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Answers: the Secretariat reads all; a Board member reads their own organisations' answers on the
        procedures they may see; the public reads them only where the Secretariat published them.
        """
        statuses = visible_statuses(user)
        if statuses is None:
            return self
        public = in_state([RecordStatus.PUBLISHED], "procedure__") & Q(procedure__answers_published=True)
        if not is_board_member(user):
            return self.filter(public)
        own = in_state(statuses, "procedure__") & Q(organisation__in=organisations_represented_by(user))
        return self.filter(public | own)


class ProcedureAnswer(Versioned, models.Model):
    class Answer(models.TextChoices):
        AGREE = "agree", _("Agree")
        OBJECT = "object", _("Object")
        ABSTAIN = "abstain", _("Abstain")

    class Channel(models.TextChoices):
        PORTAL = "", _("In the portal")
        EMAIL = "email", _("By e-mail")
        LETTER = "letter", _("By letter")

    procedure = models.ForeignKey(
        WrittenProcedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="answers"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="procedure_answers"
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Required for an objection."))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answered by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    on_behalf = models.BooleanField(_("recorded by the Secretariat on the member's behalf"), default=False)
    channel = models.CharField(_("received"), max_length=10, choices=Channel.choices, blank=True)
    answered_at = models.DateTimeField(_("answered at"))
    # The answer form carries it: an answer recorded for the organisation after the form was opened
    # (by a colleague, a delegate, the Secretariat) is not overwritten unseen (decisions.procedures.services).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Every change of an answer is kept (an answer can be changed until the deadline).
    history = HistoricalRecords(excluded_fields=["version"])

    objects = ProcedureAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer to a written procedure")
        verbose_name_plural = _("answers to written procedures")
        ordering = ["procedure", "organisation__name"]
        constraints = [
            # Two answers for one organisation at the same moment never count twice.
            models.UniqueConstraint(
                fields=["procedure", "organisation"],
                name="procedure_answer_one_per_organisation",
                violation_error_message=_("This organisation has already answered."),
            ),
            models.CheckConstraint(
                condition=~Q(answer="object") | ~Q(reason=""),
                name="procedure_answer_objection_with_reason",
                violation_error_message=_("Say why you object."),
            ),
            models.CheckConstraint(
                condition=Q(on_behalf=False) | ~Q(channel=""),
                name="procedure_answer_on_behalf_channel",
                violation_error_message=_("Say how the answer was received."),
            ),
        ]

    def __str__(self):
        return f"{self.procedure.reference}: {self.organisation} — {self.get_answer_display()}"

    def get_absolute_url(self):
        return self.procedure.get_absolute_url()


class ProcedureReminder(models.Model):
    """
    A reminder e-mailed to the members of an open procedure who had not answered: when, by whom (none:
    the timer, `manage.py remind_procedures`), to whom. Kept so that the Secretariat sees who was told.
    """

    procedure = models.ForeignKey(
        WrittenProcedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="reminders"
    )
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    # [{"email": …, "organisations": [name, …]}, …]: the addresses as they were when it was sent (people
    # change addresses; the record says whom it reached).
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations reminded"), blank=True, related_name="procedure_reminders"
    )

    class Meta:
        verbose_name = _("reminder of a written procedure")
        verbose_name_plural = _("reminders of written procedures")
        ordering = ["procedure", "-sent_at"]
        indexes = [
            # The procedure page: its latest reminder.
            models.Index(fields=["procedure", "-sent_at"], name="procedure_reminder_sent_idx"),
        ]

    def __str__(self):
        return f"{self.procedure.reference}: {self.sent_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.procedure.get_absolute_url()

    @property
    def emails(self) -> list[str]:
        return [recipient["email"] for recipient in self.recipients]
