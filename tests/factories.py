"""factory-boy factories for every model."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from decisions.models import ActionItem, Decision, Document, DocumentFile, DocumentKind, MeetingPaper, ProgressNote
from meetings.models import AgendaItem, Correction, Meeting, Occasion, Participation, Reschedule
from members.models import Membership, Organisation, Person, Pillar, Post, RoleHeld

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organisation.Kind.WB_PARTNER
    country = "Montenegro"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    honorific = Person.Honorific.MS
    name = factory.Faker("name")
    position_title = "Minister of Interior"
    organisation = factory.SubFactory(OrganisationFactory)


class PillarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pillar
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n}i")
    name = factory.Sequence(lambda n: f"Pillar initiative {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    category = Membership.Category.BOARD
    since = dt.date(2020, 1, 1)


class PostFactory(factory.django.DjangoModelFactory):
    """A post; the seeded ones (members' migrations) are found by name, so that tests share them."""

    class Meta:
        model = Post
        django_get_or_create = ("name",)

    name = "Head of the IISG Secretariat"
    holder = Post.Holder.PERSON


class RoleHeldFactory(factory.django.DjangoModelFactory):
    """A person as Head of the IISG Secretariat (for an organisation: organisation=…, person=None, another post)."""

    class Meta:
        model = RoleHeld

    post = factory.SubFactory(PostFactory)
    person = factory.SubFactory(PersonFactory)
    start = dt.date(2021, 1, 1)


class OccasionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occasion

    name = factory.Sequence(lambda n: f"the Ministerial Conference {n}")
    place = "Ljubljana"
    url = "https://example.org/conference"
    start_date = dt.date(2026, 5, 12)
    end_date = dt.date(2026, 5, 13)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    kind = Meeting.Kind.BOARD
    # Far from the ordinals tests give their meetings (tests/reading/conftest.py: 201 to 204), which the
    # 101st meeting a worker made collided with.
    ordinal = factory.Sequence(lambda n: n + 1000)
    title = factory.LazyAttribute(lambda m: f"{m.ordinal}th IISG Board Meeting")
    start = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    end = factory.LazyAttribute(lambda m: m.start + dt.timedelta(hours=6))
    city = "Podgorica"
    country = "Montenegro"
    format = Meeting.Format.IN_PERSON
    public_summary = "The Board met."
    status = Meeting.Status.PUBLISHED
    published_at = factory.LazyAttribute(lambda m: m.end if m.status == Meeting.Status.PUBLISHED else None)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = factory.LazyAttribute(lambda p: p.person.organisation if p.person else None)
    role = Participation.Role.DELEGATE
    level = Participation.Level.MINISTERIAL
    attendance = Participation.Attendance.IN_PERSON


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    kind = AgendaItem.Kind.DISCUSSION
    notes = "The Board discussed the item."


class RescheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reschedule

    meeting = factory.SubFactory(MeetingFactory)
    previous_start = factory.LazyAttribute(lambda r: r.meeting.start - dt.timedelta(days=14))
    previous_end = factory.LazyAttribute(lambda r: r.meeting.end - dt.timedelta(days=14))
    reason = "Postponed at the host's request."


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    meeting = factory.SubFactory(MeetingFactory)
    reason = "A delegate's title was corrected."


class DocumentKindFactory(factory.django.DjangoModelFactory):
    """A kind of document; the seeded ones (decisions' migrations) are found by slug."""

    class Meta:
        model = DocumentKind
        django_get_or_create = ("slug",)

    slug = "report"
    name = factory.LazyAttribute(lambda kind: kind.slug.replace("-", " ").capitalize())


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"IISG output {n}")
    kind = factory.SubFactory(DocumentKindFactory)
    period_start = 2021
    period_end = 2022


class MeetingPaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingPaper

    meeting = factory.SubFactory(MeetingFactory)
    document = factory.SubFactory(DocumentFactory)
    order = factory.Sequence(lambda n: n + 1)


class DocumentFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentFile

    document = factory.SubFactory(DocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4\n%test\n", name="output.pdf"))
    original_name = "output.pdf"
    size = 15
    content_type = "application/pdf"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    sequence = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda d: f"B{d.meeting.ordinal}/{d.meeting.start.year}/{d.sequence:02d}")
    verb = Decision.Verb.APPROVED
    subject = factory.Sequence(lambda n: f"Subject {n}")
    wording = "was approved by the IISG Board."


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    description = factory.Sequence(lambda n: f"Follow-up {n}")
    owner_organisation = factory.SubFactory(OrganisationFactory)
    due_date = dt.date(2030, 1, 31)


class ProgressNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressNote

    action_item = factory.SubFactory(ActionItemFactory)
    note = "Contacted the donors."


# --- Written procedures (issue 12) ---------------------------------------------------------------
from decisions.models import ProcedureAnswer, WrittenProcedure  # noqa: E402
from members.models import Delegation  # noqa: E402


class DelegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delegation

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    valid_from = dt.date(2020, 1, 1)


class WrittenProcedureFactory(factory.django.DjangoModelFactory):
    """A draft silence procedure; launch it with decisions.procedures.services.launch_procedure (or set its fields)."""

    class Meta:
        model = WrittenProcedure
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"WP/2026/{n + 1:02d}")
    kind = WrittenProcedure.Kind.SILENCE
    title = factory.Sequence(lambda n: f"Adoption of the work plan {n}")
    text = "The Board **adopts** the work plan."
    verb = "adopted"
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))

    @factory.post_generation
    def consulted(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.consulted.set(extracted)


class ProcedureAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureAnswer

    procedure = factory.SubFactory(WrittenProcedureFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    answer = ProcedureAnswer.Answer.AGREE
    answered_at = factory.LazyFunction(timezone.now)
