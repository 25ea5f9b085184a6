"""Who is part of IISG: organisations, people, pillars, memberships, posts and the roles held in them."""

import re
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import visibility
from core.dates import DatePrecision, format_at_precision, last_day_at_precision, long_date, truncate_to_precision
from core.locking import Versioned
from core.pagecache import audience
from core.roles import is_secretariat

# The name that carries the designation, and its footnote: printed once wherever Kosovo* appears on
# a page or PDF, and carried with the data in exports.
DESIGNATED_NAME = "Kosovo*"
KOSOVO_FOOTNOTE = _(
    "*This designation is without prejudice to positions on status, and is in line with "
    "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence."
)


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """
        Organisations a user may see: the Secretariat sees all; others see an organisation that has
        a membership, a role held (as holder, as the organisation a holder represented, or as its
        proposer) or a person they may see, or that the apps above grant them (core.visibility:
        `meetings` grants those that took part in a meeting they may see, `decisions` those a
        decision they may see names), and the parents of those (the European Commission above DG
        NEAR). An organisation only a draft mentions stays unseen.

        All of it is one EXISTS correlated to the organisation, one level deep: a person of it is
        reached by following the person's own sources one step further (`via`), a parent by
        following its part's (core.visibility explains why).
        """
        if is_secretariat(user):
            return self
        # The rule depends on the audience alone (the public, the Board), so it is built and compiled to SQL
        # once per audience and process (core.visibility.CompiledRule): the same SQL, without its Python.
        # partial, not a lambda: a queryset holding the rule still pickles.
        return self.filter(visibility.CompiledRule(Organisation, audience(user), partial(organisations_seen, user)))


def organisations_seen(user) -> Q:
    """
    The organisations `user` sees (not the Secretariat): for what names them, or one of their parts
    (a child, `via="__parent"`), in one EXISTS (core.visibility.exists_any).
    """
    roles = RoleHeld.objects.visible_to(user, correlated=True)
    sources = [
        visibility.Source(Membership.objects.visible_to(user, correlated=True), "organisation"),
        visibility.Source(roles, "organisation"),
        visibility.Source(roles, "represented"),
        visibility.Source(roles, "proposed_by_organisation"),
    ]
    branches = []
    for via in ("", "__parent"):
        branches += [source.pointing_at(via) for source in sources]
        # A person of it whom the user may see: the person's sources, one step further.
        branches += people_seen_branches(user, via=f"__organisation{via}")
        branches += visibility.granted_branches(Organisation, user, via=via)
    return visibility.exists_any(branches)


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
    # it is: settings.ABSOLUTE_URL_OVERRIDES (so for Person, RoleHeld and Pillar).

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
        People a user may see. The Secretariat: everyone. Others: holders and proposers of roles
        they may see, and whom the apps above grant them (core.visibility): `meetings` grants Board
        members whoever took part in, or presented at, a meeting they may see, and the public the
        chairs, hosts and speakers of published meetings (the public summary names them; delegates'
        names belong to the attendance list, for members only); `decisions` grants the people a
        decision they may see names (concerned, or proposing it).
        """
        if is_secretariat(user):
            return self
        return self.filter(visibility.exists_any(people_seen_branches(user)))


def people_seen_branches(user, via: str = "") -> list:
    """
    What shows a person to `user` (not the Secretariat), as rows pointing at the outer row
    (core.visibility); with `via="__organisation"`, at the organisation of such a person.
    """
    roles = RoleHeld.objects.visible_to(user, correlated=True)
    own = [visibility.Source(roles, "person"), visibility.Source(roles, "proposed_by_person")]
    return [source.pointing_at(via) for source in own] + visibility.granted_branches(Person, user, via=via)


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
    slug = models.SlugField(
        _("slug"), max_length=220, unique=True, blank=True, help_text=_("The person's web address; made from the name.")
    )
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

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Person, self.name, exclude_pk=self.pk, fallback="person")
        super().save(*args, **kwargs)

    # get_absolute_url: the person's page, in the site layer (settings.ABSOLUTE_URL_OVERRIDES).

    @property
    def full_name(self) -> str:
        return f"{self.honorific} {self.name}".strip()


def unique_slug(model, text: str, *, exclude_pk=None, fallback: str, max_length: int = 200) -> str:
    """A slug of `text` that no other row of `model` has: "ana-example", else "ana-example-2", …"""
    base = slug = slugify(text)[:max_length] or fallback
    n = 2
    while model._default_manager.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


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

    # Its page (partners, meetings, documents, decisions) is the site's: settings.ABSOLUTE_URL_OVERRIDES.


class MembershipQuerySet(models.QuerySet):
    def visible_to(self, user, *, correlated: bool = False):
        """
        Memberships the user may see: all, less those the apps above hide (core.visibility:
        `decisions` hides a membership created by a decision of a meeting the user may not see).
        """
        if is_secretariat(user):
            return self
        # correlated: for a subquery correlated to a few rows (core.visibility.without_hidden).
        return visibility.without_hidden(self, user, correlated=correlated)

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
        since = long_date(self.since) if self.since else _("date not on record")
        until = long_date(self.until) if self.until else _("present")
        return f"{since} – {until}"


class Post(models.Model):
    """A post that a person or an organisation holds for a term (data: the admin adds posts)."""

    class Holder(models.TextChoices):
        PERSON = "person", _("A person")
        ORGANISATION = "organisation", _("An organisation")
        EITHER = "either", _("A person or an organisation")

    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_('For example "Host of the Support Group".')
    )
    holder = models.CharField(_("who may hold it"), max_length=20, choices=Holder.choices, default=Holder.EITHER)
    per_pillar = models.BooleanField(
        _("per pillar"), default=False, help_text=_("Held for one pillar at a time (lead and co-lead partners).")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Lower comes first in lists."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    # get_absolute_url: the roles register (settings.ABSOLUTE_URL_OVERRIDES).

    @staticmethod
    def normalised(name: str) -> str:
        """A post's name for matching: lower case, without articles and extra spaces ("Head of IISG Secretariat")."""
        words = re.sub(r"[^\w*]+", " ", name.lower()).split()
        return " ".join(word for word in words if word not in ("the", "a", "an"))

    @classmethod
    def matching(cls, name: str) -> "Post | None":
        """The post named `name`, however written: "Head of IISG Secretariat" is "Head of the IISG Secretariat"."""
        wanted = cls.normalised(name)
        return next((post for post in cls.objects.all() if cls.normalised(post.name) == wanted), None)

    def accepts(self, *, person: bool) -> bool:
        return self.holder == self.Holder.EITHER or self.holder == (
            self.Holder.PERSON if person else self.Holder.ORGANISATION
        )


class RoleHeldQuerySet(models.QuerySet):
    def visible_to(self, user, *, correlated: bool = False):
        """
        Roles held that the user may see: all, less those the apps above hide (core.visibility:
        `decisions` hides a role made by a decision of a meeting the user may not see).
        """
        if is_secretariat(user):
            return self
        # correlated: for a subquery correlated to a few rows (core.visibility.without_hidden).
        return visibility.without_hidden(self, user, correlated=correlated)

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(start__isnull=True) | Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))

    def former(self, on=None):
        on = on or timezone.localdate()
        return self.filter(end__lt=on)

    def with_people(self):
        """With what pages print of each role: the post, the holder, whom they represented, the pillar, the proposer."""
        return self.select_related(
            "post", "person", "organisation", "represented", "pillar", "proposed_by_organisation", "proposed_by_person"
        )


class RoleHeld(Versioned, models.Model):
    """
    A post held for a term by a person or an organisation: the Head of the IISG Secretariat, the host
    of the Support Group, the lead partner of a pillar. Ended, never deleted. The decision that made
    it points at it from the decision's side (`decisions`), so this app never names decisions.
    """

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("Appointment")
        EXTENSION = "extension", _("Extension of mandate")

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="roles")
    person = models.ForeignKey(
        Person,
        verbose_name=_("held by (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles_held",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("held by (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles_held",
    )
    represented = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation represented"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles_of_representatives",
        help_text=_("For a person: the organisation they held the post for, if any."),
    )
    pillar = models.ForeignKey(
        Pillar,
        verbose_name=_("pillar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles_held",
        help_text=_("Only for a post held per pillar."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.APPOINTMENT)
    start = models.DateField(_("from"), null=True, blank=True, help_text=_("Empty when not on record."))
    start_precision = models.CharField(
        _("from: known to the"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while the role lasts."))
    end_precision = models.CharField(
        _("until: known to the"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    proposed_by_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("proposed by (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles_proposed",
    )
    proposed_by_person = models.ForeignKey(
        Person,
        verbose_name=_("proposed by (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles_proposed",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Optimistic locking: a save is refused if someone else saved since the form was opened.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = RoleHeldQuerySet.as_manager()

    class Meta:
        verbose_name = _("role held")
        verbose_name_plural = _("roles held")
        ordering = ["post__order", "post__name", "-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="role_held_by_a_person_or_an_organisation",
                violation_error_message=_("A role is held by a person or by an organisation: name exactly one."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="role_held_end_not_before_start",
                violation_error_message=_("A role cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(proposed_by_organisation__isnull=True) | Q(proposed_by_person__isnull=True),
                name="role_held_one_proposer",
                violation_error_message=_("A role is proposed by an organisation or by a person, not both."),
            ),
        ]
        indexes = [
            # The roles register and the pillar page: the roles of a post (and pillar), current ones by end date.
            models.Index(fields=["post", "pillar", "end"], name="role_held_post_pillar_end_idx"),
        ]

    def __str__(self):
        where = f" ({self.pillar.code})" if self.pillar_id else ""
        return f"{self.holder} — {self.post}{where}, {self.term}"

    def save(self, *args, **kwargs):
        self.normalise_dates()
        super().save(*args, **kwargs)

    # get_absolute_url: the holder's page (settings.ABSOLUTE_URL_OVERRIDES).

    @property
    def holder(self):
        return self.person or self.organisation

    @property
    def holder_name(self) -> str:
        if self.person_id:
            return self.person.full_name
        return self.organisation.display_name if self.organisation_id else ""

    @property
    def start_display(self) -> str:
        return format_at_precision(self.start, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_at_precision(self.end, self.end_precision)

    @property
    def term(self) -> str:
        """The term as said: "from June 2024", "20 June 2022 to 2024" (with a dash), "term not on record"."""
        if self.start and self.end:
            return f"{self.start_display} – {self.end_display}"
        if self.start:
            return str(_("from %(start)s") % {"start": self.start_display})
        if self.end:
            return str(_("until %(end)s") % {"end": self.end_display})
        return str(_("term not on record"))

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.start is None or self.start <= today) and (self.end is None or self.end >= today)

    def normalise_dates(self) -> None:
        """
        Store a date known to the month or year as the whole of it: a start on its first day, an end
        on its last, so that "until June 2025" lasts to 30 June and lists and overlaps need no special case.
        """
        self.start = truncate_to_precision(self.start, self.start_precision)
        if self.end is not None:
            self.end = last_day_at_precision(truncate_to_precision(self.end, self.end_precision), self.end_precision)

    def clean(self):
        super().clean()
        self.normalise_dates()
        errors: dict[str, str] = {}
        if bool(self.person_id) == bool(self.organisation_id):
            errors["person" if not self.person_id else "organisation"] = _(
                "A role is held by a person or by an organisation: name exactly one."
            )
        if self.represented_id and not self.person_id:
            errors["represented"] = _("Only a person holds a post for an organisation; leave this empty.")
        if self.proposed_by_organisation_id and self.proposed_by_person_id:
            errors["proposed_by_person"] = _("A role is proposed by an organisation or by a person, not both.")
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("A role cannot end before it starts.")
        if self.post_id:
            post = self.post
            # setdefault: "name exactly one" says more than "not by a person" when both are named.
            if self.person_id and not post.accepts(person=True):
                errors.setdefault("person", _("%(post)s is held by an organisation, not a person.") % {"post": post})
            if self.organisation_id and not post.accepts(person=False):
                errors.setdefault(
                    "organisation", _("%(post)s is held by a person, not an organisation.") % {"post": post}
                )
            if post.per_pillar and not self.pillar_id:
                errors["pillar"] = _("%(post)s is held per pillar: choose the pillar.") % {"post": post}
            if not post.per_pillar and self.pillar_id:
                errors["pillar"] = _("%(post)s is not held per pillar: leave the pillar empty.") % {"post": post}
        if errors:
            raise ValidationError(errors)
        overlapping = self.overlapping()
        if overlapping:
            raise ValidationError(
                _(
                    "%(holder)s already holds the post %(post)s over these dates (%(existing)s). "
                    "End that term first or change the dates."
                )
                % {"holder": self.holder_name, "post": self.post, "existing": overlapping.term}
            )

    def overlapping(self) -> "RoleHeld | None":
        """A term of the same post (and pillar) held by the same holder whose dates overlap this one's, if any."""
        if not self.post_id or not (self.person_id or self.organisation_id):
            return None
        others = RoleHeld.objects.filter(
            post_id=self.post_id,
            pillar_id=self.pillar_id,
            person_id=self.person_id,
            organisation_id=self.organisation_id,
        ).exclude(pk=self.pk)
        # Two terms overlap unless one ends before the other starts; None means open-ended.
        if self.end is not None:
            others = others.filter(Q(start__isnull=True) | Q(start__lte=self.end))
        if self.start is not None:
            others = others.filter(Q(end__isnull=True) | Q(end__gte=self.start))
        return others.first()


class DelegationQuerySet(models.QuerySet):
    def current(self, on=None):
        """Delegations in force on `on` (today by default): from `valid_from`, until `valid_until` included."""
        on = on or timezone.localdate()
        return self.filter(valid_from__lte=on).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))


class Delegation(models.Model):
    """
    Who may act for a member organisation besides its own people: a person delegated to answer for it
    (a written procedure) from one date to another. The admin manages delegations.
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="delegations")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="delegations"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty while it lasts."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["organisation__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="delegation_until_not_before_from",
                violation_error_message=_("A delegation cannot end before it starts."),
            ),
        ]
        indexes = [
            # "May this person answer for this organisation today?": by person, then dates.
            models.Index(fields=["person", "valid_from"], name="delegation_person_from_idx"),
        ]

    def __str__(self):
        return f"{self.person} → {self.organisation}"

    def get_absolute_url(self):
        return self.organisation.get_absolute_url()


def organisations_represented_by(user, on=None):
    """
    The organisations `user` may act for on `on` (today by default): their person's organisation and
    those a current delegation names. None for a user with no person linked.
    """
    if not user.is_authenticated:
        return Organisation.objects.none()
    person = Person.objects.filter(user=user).first()
    if person is None:
        return Organisation.objects.none()
    delegated = Delegation.objects.current(on).filter(person=person).values("organisation")
    return Organisation.objects.filter(Q(pk=person.organisation_id) | Q(pk__in=delegated))
