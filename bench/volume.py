"""
Fill a database with N times IISG's volume of today, for bench/pages.py and bench/load.sh.

    python bench/volume.py --scale 100 --database-url postgres://postgres@127.0.0.1:5432/iisg_bench_100x

Steps: refuse a database that already has data (unless --reset: drop every table), migrate, load
the demo 6th Board meeting (`manage.py load_demo`), bulk-insert N x VOLUME_1X synthetic rows
(bulk_create in batches, no save(), no simple_history rows), add one large meeting (1,000
participations, 300 decisions at every scale), create the users `bench_board` and
`bench_secretariat` (passwords printed), and on PostgreSQL VACUUM ANALYZE so that the planner
statistics and the GIN search indexes are as a live database's. On PostgreSQL as a superuser the
inserts skip the per-row foreign-key checks and every key (single-column: all of Django's) is
checked once, set-wise, before the fill commits (foreign_key_checks_after_the_fill()).

The rows follow the models' own rules: field defaults, slugs (Meeting.build_slug, Organisation's
acronym-or-name rule, Document's title slug, with the same -2, -3 suffixes as save()), decision
references (Decision.propose_reference), and a participation's position and organisation copied
from its person. One function per model family (make_*), so a model change touches one function.
Random but repeatable: --seed.
"""

import argparse
import datetime as dt
import math
import os
import random
import secrets
import sys
import time
import zoneinfo
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import describe_database, setup_django

# Rows per 1x: about today's volume. Every count is multiplied by --scale (at least 1 row).
VOLUME_1X = {
    "pillars": 1,  # besides the three real pillars of the demo
    "organisations": 20,
    "people": 100,
    "memberships": 20,
    "roles": 5,
    "meetings": 10,
    "agenda_items": 80,
    "participations": 1_000,
    "decisions": 500,
    "documents": 100,
    "actions": 100,
    "progress_notes": 100,
    "reschedules": 1,
    "corrections": 1,
}

# The large meeting, at every scale: its page may grow with its own size, never with the total.
LARGE_MEETING_TITLE = "Enlarged IISG Board meeting"
LARGE_MEETING_SLUG = "enlarged-iisg-board-meeting-2023"
LARGE_MEETING_PARTICIPATIONS = 1_000
LARGE_MEETING_DECISIONS = 300

# Words the page bench searches for. COMMON_WORD is in every synthetic decision; RARE_WORD is in a
# fixed handful of published rows (1 meeting, 1 agenda item, 2 decisions, 1 document) at any scale.
COMMON_WORD = "board"
RARE_WORD = "ohrid"

BENCH_USERS = {"bench_board": "Board members", "bench_secretariat": "Secretariat"}

BATCH_SIZE = 2_000
FIRST_DAY = dt.date(2010, 1, 1)

COUNTRIES = [
    "Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "Czechia", "Denmark", "Estonia", "Finland",
    "France", "Germany", "Greece", "Hungary", "Ireland", "Italy", "Latvia", "Lithuania", "Luxembourg",
    "Malta", "Netherlands", "Poland", "Portugal", "Romania", "Slovakia", "Slovenia", "Spain", "Sweden",
    "Albania", "Bosnia and Herzegovina", "Kosovo", "Montenegro", "North Macedonia", "Serbia",
    "Norway", "Switzerland", "Moldova", "Ukraine", "Türkiye",
]  # fmt: skip
BODIES = [
    "Ministry of Interior", "Ministry of Security", "Ministry of Justice", "State Police",
    "Border Police Directorate", "Financial Intelligence Unit", "Customs Administration",
    "National Crime Agency", "Counter-Terrorism Unit", "Prosecutor's Office", "Migration Service",
    "Cybercrime Centre", "Police Academy", "Coast Guard", "Intelligence and Security Agency",
    "Anti-Corruption Agency", "Asset Recovery Office", "Forensic Science Institute",
    "Witness Protection Unit", "Criminal Police Directorate",
]  # fmt: skip
CITIES = [
    ("Tirana", "Albania", "Europe/Tirane"), ("Sarajevo", "Bosnia and Herzegovina", "Europe/Sarajevo"),
    ("Pristina", "Kosovo", "Europe/Belgrade"), ("Podgorica", "Montenegro", "Europe/Podgorica"),
    ("Skopje", "North Macedonia", "Europe/Skopje"), ("Belgrade", "Serbia", "Europe/Belgrade"),
    ("Brussels", "Belgium", "Europe/Brussels"), ("Vienna", "Austria", "Europe/Vienna"),
    ("Ljubljana", "Slovenia", "Europe/Ljubljana"), ("Rome", "Italy", "Europe/Rome"),
    ("Zagreb", "Croatia", "Europe/Zagreb"), ("Budva", "Montenegro", "Europe/Podgorica"),
]  # fmt: skip
VENUES = ["", "", "Hotel Europe", "Ministry of Interior", "Palace of the Federation", "Conference Centre"]
FIRST_NAMES = [
    "Ana", "Besnik", "Dragan", "Elena", "Fatmir", "Goran", "Ivana", "Jelena", "Klaus", "Lejla", "Marko",
    "Nina", "Oliver", "Petra", "Rudina", "Stefan", "Tanja", "Uroš", "Vesna", "Zoran", "Marie", "Luca",
    "Sophie", "Jan", "Katarina", "Arben", "Mirela", "Edin", "Amra", "Nikola",
]  # fmt: skip
LAST_NAMES = [
    "Hoxha", "Kovačević", "Petrović", "Nikolovski", "Berisha", "Delić", "Jovanović", "Gashi", "Popović",
    "Marković", "Hadžić", "Krasniqi", "Stojanovski", "Novak", "Müller", "Rossi", "Dubois", "Horvat",
    "Kelmendi", "Babić", "Schmidt", "Ivanova", "Mitrović", "Shala", "Begić", "Vuković", "Leka",
]  # fmt: skip
POSITIONS = [
    "Minister of Interior", "Deputy Minister of Security", "Director-General of Police", "Head of Unit",
    "Senior Adviser", "Policy Officer", "Head of Sector for International Cooperation", "Chief Inspector",
    "State Secretary", "Ambassador", "Programme Manager", "Liaison Officer",
]  # fmt: skip
TOPICS = [
    "counter-terrorism", "violent extremism", "serious and organised crime", "firearms trafficking",
    "migrant smuggling", "trafficking in human beings", "drug trafficking", "cybercrime",
    "money laundering", "border management", "information exchange", "joint investigation teams",
    "risk analysis", "witness protection", "asset recovery", "returning foreign terrorist fighters",
    "document fraud", "maritime security", "police training", "corruption in the security sector",
]  # fmt: skip
PRODUCTS = [
    ("needs_mapping", "Needs mapping"), ("response_mapping", "Response mapping"),
    ("methodology", "Methodology"), ("work_plan", "Work plan"), ("report", "Annual report"),
    ("other", "Regional assessment"), ("other", "Guidelines"),
]  # fmt: skip
SENTENCES = [
    "The {board} discussed {topic} and the state of play of the regional cooperation.",
    "Partners presented their progress on {topic} since the last meeting.",
    "The Secretariat informed the participants about the implementation of the work plan on {topic}.",
    "The European Commission stressed the importance of {topic} for the accession process.",
    "Participants agreed to strengthen the exchange of information on {topic}.",
    "Several partners called for more support from the Support Group on {topic}.",
    "The pillar leads reported on the activities carried out on {topic}.",
    "The meeting reviewed the needs identified by the partners in the area of {topic}.",
]  # fmt: skip
ACTION_TEXTS = [
    "Circulate the revised {product} on {topic} to the partners",
    "Prepare a proposal on {topic} for the next meeting",
    "Collect the partners' contributions on {topic}",
    "Organise a regional workshop on {topic}",
    "Report on the follow-up of the recommendations on {topic}",
]  # fmt: skip


def scaled(scale: float) -> dict[str, int]:
    """Rows of each kind at this scale: VOLUME_1X times scale, at least one."""
    return {name: max(1, round(count * scale)) for name, count in VOLUME_1X.items()}


def spread(total: int, buckets: int, rng: random.Random) -> list[int]:
    """`total` split over `buckets`, unevenly (0.3x to 1.7x the mean), summing to exactly `total`."""
    if buckets <= 0:
        return []
    weights = [rng.uniform(0.3, 1.7) for _ in range(buckets)]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [math.floor(r) for r in raw]
    by_remainder = sorted(range(buckets), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def unique(value: str, taken: set[str], limit: int | None = None) -> str:
    """`value`, or `value-2`, `value-3`, ... as the models' save() make slugs unique; remembered in `taken`."""
    candidate, n = value, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = (value[: limit - len(suffix)] if limit else value) + suffix
        n += 1
    taken.add(candidate)
    return candidate


def bulk(model, objects: list, log=None) -> list:
    """bulk_create in batches; the objects come back with their primary keys."""
    started = time.perf_counter()
    created = model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
    if log:
        log(f"  {model._meta.label:<42} {len(created):>8,} rows  {time.perf_counter() - started:6.1f} s")
    return created


def sentences(rng: random.Random, count: int, topic: str | None = None) -> str:
    return " ".join(
        rng.choice(SENTENCES).format(board="Board", topic=topic or rng.choice(TOPICS)) for _ in range(count)
    )


def local_datetime(day: dt.date, hour: int, time_zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=zoneinfo.ZoneInfo(time_zone)).astimezone(dt.UTC)


# --- members --------------------------------------------------------------------------------------


def make_pillars(rng, count, log):
    from members.models import Pillar

    taken = set(Pillar.objects.values_list("code", flat=True))
    pillars = []
    for n in range(1, count + 1):
        code = unique(f"WBT{n}", taken)
        topic = rng.choice(TOPICS)
        pillars.append(Pillar(code=code, name=f"Western Balkans {topic} initiative", description=sentences(rng, 2)))
    bulk(Pillar, pillars, log)
    return list(Pillar.objects.all())


def make_organisations(rng, count, log):
    from django.utils.text import slugify

    from members.models import Organisation

    names = set(Organisation.objects.values_list("name", flat=True))
    slugs = set(Organisation.objects.values_list("slug", flat=True))
    kinds = [value for value, _label in Organisation.Kind.choices]
    organisations = []
    for n in range(count):
        country = rng.choice(COUNTRIES)
        body = rng.choice(BODIES)
        name = f"{body}, {country}"
        if name in names:
            name = f"{body}, {country}, office {n}"
        names.add(name)
        acronym = "".join(word[0] for word in body.split() if word[0].isupper()) + str(n) if rng.random() < 0.4 else ""
        organisation = Organisation(
            name=name,
            acronym=acronym,
            kind=rng.choice(kinds),
            country=country,
        )
        # Organisation.save(): the slug of the acronym when longer than two letters, else of the name.
        organisation.slug = unique(slugify(acronym if len(acronym) > 2 else name)[:220], slugs, 220)
        organisations.append(organisation)
    organisations = bulk(Organisation, organisations, log)
    # One in ten is part of an earlier one (as DG NEAR of the European Commission).
    children = [o for i, o in enumerate(organisations) if i and rng.random() < 0.1]
    for child in children:
        child.parent = rng.choice(organisations[: organisations.index(child)])
    Organisation.objects.bulk_update(children, ["parent"], batch_size=BATCH_SIZE)
    return list(Organisation.objects.all())


def make_people(rng, count, organisations, log):
    from django.utils.text import slugify

    from members.models import Person

    honorifics = [value for value, _label in Person.Honorific.choices]
    slugs = set(Person.objects.values_list("slug", flat=True))
    people = []
    for _ in range(count):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        people.append(
            Person(
                honorific=rng.choice(honorifics),
                name=name,
                slug=unique(slugify(name)[:190] or "person", slugs, 200),  # Person.save()'s rule
                position_title=rng.choice(POSITIONS),
                organisation=rng.choice(organisations) if rng.random() < 0.95 else None,
            )
        )
    bulk(Person, people, log)
    return list(Person.objects.all())


def make_memberships(rng, count, organisations, log):
    from members.models import Membership

    categories = [value for value, _label in Membership.Category.choices]
    today = dt.date.today()
    memberships = []
    for _ in range(count):
        since = FIRST_DAY + dt.timedelta(days=rng.randrange((today - FIRST_DAY).days))
        until = since + dt.timedelta(days=rng.randrange(200, 3000)) if rng.random() < 0.25 else None
        memberships.append(
            Membership(
                organisation=rng.choice(organisations),
                category=rng.choices(categories, weights=[2, 6, 2])[0],
                since=since,
                until=until,
            )
        )
    return bulk(Membership, memberships, log)


def make_roles(rng, count, people, organisations, pillars, log):
    """Roles held in the seeded posts: a person or an organisation as each post allows, per pillar where it applies."""
    from members.models import Post, RoleHeld

    posts = list(Post.objects.all())
    kinds = [value for value, _label in RoleHeld.Kind.choices]
    roles = []
    for _ in range(count):
        post = rng.choice(posts)
        start = FIRST_DAY + dt.timedelta(days=rng.randrange(5000))
        by_person = post.holder == Post.Holder.PERSON or (post.holder == Post.Holder.EITHER and rng.random() < 0.5)
        roles.append(
            RoleHeld(
                post=post,
                person=rng.choice(people) if by_person else None,
                organisation=None if by_person else rng.choice(organisations),
                pillar=rng.choice(pillars) if post.per_pillar else None,
                kind=rng.choice(kinds),
                start=start,
                end=start + dt.timedelta(days=rng.randrange(365, 1500)) if rng.random() < 0.6 else None,
            )
        )
    return bulk(RoleHeld, roles, log)


# --- meetings -------------------------------------------------------------------------------------


def _meeting_status(rng, start, now) -> str:
    if start > now:
        return rng.choices(["published", "draft"], weights=[1, 1])[0]
    return rng.choices(["published", "circulated", "draft"], weights=[85, 10, 5])[0]


def make_meetings(rng, count, pillars, log):
    """`count` meetings across the years from 2010 to a year ahead; upcoming ones have no record yet."""
    from django.utils import timezone

    from meetings.models import Meeting, english_ordinal

    now = timezone.now()
    span = (dt.date.today() + dt.timedelta(days=365) - FIRST_DAY).days
    days = sorted(FIRST_DAY + dt.timedelta(days=rng.randrange(span)) for _ in range(count))
    slugs = set(Meeting.objects.values_list("slug", flat=True))
    taken_ordinals = set(Meeting.objects.exclude(ordinal=None).values_list("kind", "pillar_id", "ordinal"))
    counters: dict[tuple, int] = {}
    kinds = ["board", "support_group", "pillar", "other"]
    formats = [value for value, _label in Meeting.Format.choices]
    meetings = []
    for day in days:
        kind = rng.choices(kinds, weights=[20, 30, 40, 10])[0]
        pillar = rng.choice(pillars) if kind == "pillar" else None
        city, country, time_zone = rng.choice(CITIES)
        start = local_datetime(day, 9, time_zone)
        end = start + dt.timedelta(hours=rng.choice([8, 8, 8, 32]))
        number = None
        if kind != "other":
            # Pillar meetings are numbered across all pillars, so that their decision references
            # (P<number>/<year>/<sequence>, which do not name the pillar) stay apart.
            key = (kind,)
            number = counters.get(key, 0) + 1
            while (kind, pillar.pk if pillar else None, number) in taken_ordinals:  # the demo's 6th Board meeting
                number += 1
            counters[key] = number
        topic = rng.choice(TOPICS)
        if kind == "board":
            title = f"{english_ordinal(number)} IISG Board meeting"
        elif kind == "support_group":
            title = f"{english_ordinal(number)} IISG Support Group meeting"
        elif kind == "pillar":
            title = f"{english_ordinal(number)} {pillar.code} pillar meeting"
        else:
            title = f"Regional workshop on {topic}"
        status = _meeting_status(rng, start, now)
        meeting = Meeting(
            kind=kind,
            pillar=pillar,
            ordinal=number,
            title=title,
            start=start,
            end=end,
            time_zone=time_zone,
            city=city,
            country=country,
            venue=rng.choice(VENUES),
            format=rng.choice(formats),
            public_summary=sentences(rng, rng.randint(3, 6), topic) if start < now else "",
            minutes=sentences(rng, rng.randint(6, 12)) if start < now else "",
            status=status,
            circulated_at=min(start + dt.timedelta(days=14), now) if status != "draft" else None,
            published_at=min(start + dt.timedelta(days=30), now) if status == "published" else None,
        )
        meeting.slug = unique(meeting.build_slug(), slugs, 200)  # Meeting.save()'s rule
        meetings.append(meeting)
    return bulk(Meeting, meetings, log)


def make_agenda(rng, meetings, count, people, organisations, log):
    from meetings.models import AgendaItem

    kinds = ["opening", "presentation", "discussion", "decision", "aob"]
    items = []
    for meeting, n in zip(meetings, spread(count, len(meetings), rng), strict=True):
        for position in range(1, n + 1):
            kind = "opening" if position == 1 else "aob" if position == n > 2 else rng.choice(kinds[1:4])
            topic = rng.choice(TOPICS)
            items.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    title=f"{kind.replace('aob', 'Any other business').capitalize()}: {topic}",
                    kind=kind,
                    notes=sentences(rng, rng.randint(1, 4), topic),
                )
            )
    items = bulk(AgendaItem, items, log)
    presenters = AgendaItem.presenters.through
    presenting = AgendaItem.presenting_organisations.through
    bulk(presenters, [presenters(agendaitem=i, person=rng.choice(people)) for i in items if rng.random() < 0.6], log)
    bulk(
        presenting,
        [presenting(agendaitem=i, organisation=rng.choice(organisations)) for i in items if rng.random() < 0.4],
        log,
    )
    return items


def _participation_role(rng, order: int) -> str:
    if order == 1:
        return "chair"
    if order == 2:
        return "host"
    return rng.choices(
        ["co_chair", "opening_remarks", "speaker", "delegate", "support_group", "observer", "secretariat"],
        weights=[1, 2, 4, 60, 20, 8, 5],
    )[0]


def participation_rows(rng, meeting, count, people, organisations) -> list:
    """`count` participations of `meeting`; the position and organisation of a person as save() copies them."""
    from meetings.models import Participation

    levels = [value for value, _label in Participation.Level.choices] + [""]
    attendance = [value for value, _label in Participation.Attendance.choices] + [""]
    rows = []
    for order in range(1, count + 1):
        person = rng.choice(people) if rng.random() < 0.8 else None
        rows.append(
            Participation(
                meeting=meeting,
                person=person,
                organisation_id=person.organisation_id
                if person and person.organisation_id
                else rng.choice(organisations).pk,
                position=person.position_title if person else "",
                role=_participation_role(rng, order),
                level=rng.choice(levels),
                attendance=rng.choice(attendance),
                order=order,
            )
        )
    return rows


def make_participations(rng, meetings, count, people, organisations, log):
    rows = []
    for meeting, n in zip(meetings, spread(count, len(meetings), rng), strict=True):
        rows.extend(participation_rows(rng, meeting, n, people, organisations))
    from meetings.models import Participation

    return bulk(Participation, rows, log)


def make_reschedules_and_corrections(rng, meetings, reschedules, corrections, log):
    from meetings.models import Correction, Reschedule

    rows = []
    for meeting in rng.sample(meetings, min(reschedules, len(meetings))):
        earlier = meeting.start - dt.timedelta(days=rng.randrange(30, 120))
        rows.append(
            Reschedule(
                meeting=meeting,
                previous_start=earlier,
                previous_end=earlier + (meeting.end - meeting.start),
                reason="Postponed at the request of the host.",
            )
        )
    bulk(Reschedule, rows, log)
    published = [m for m in meetings if m.status == "published"] or meetings
    bulk(
        Correction,
        [
            Correction(meeting=m, reason="Corrected the list of participants.", created_at=m.published_at or m.start)
            for m in rng.sample(published, min(corrections, len(published)))
        ],
        log,
    )


# --- decisions ------------------------------------------------------------------------------------


def make_documents(rng, count, pillars, log):
    from django.utils.text import slugify

    from decisions.models import Document, DocumentKind

    kinds = {kind.slug.replace("-", "_"): kind for kind in DocumentKind.objects.all()}

    slugs = set(Document.objects.values_list("slug", flat=True))
    titles: set[str] = set(Document.objects.values_list("title", flat=True))
    documents = []
    for _ in range(count):
        kind, product = rng.choice(PRODUCTS)
        topic = rng.choice(TOPICS)
        first = rng.randrange(2010, dt.date.today().year + 1)
        last = first + rng.choice([0, 1, 1, 2])
        period = f"{first}–{last}" if last != first else str(first)
        title = unique(f"{product} on {topic} {period}", titles)
        documents.append(
            Document(
                title=title,
                slug=unique(slugify(title)[:190] or "document", slugs, 200),  # Document.save()'s rule
                kind=kinds.get(kind) or kinds["other"],
                period_start=first,
                period_end=last,
                description=sentences(rng, rng.randint(1, 3), topic),
            )
        )
    documents = bulk(Document, documents, log)
    through = Document.pillars.through
    bulk(
        through,
        [
            through(document=d, pillar=p)
            for d in documents
            for p in rng.sample(pillars, rng.randint(1, min(2, len(pillars))))
        ],
        log,
    )
    return documents


def decision_rows(rng, meeting, count, agenda_items, references: set[str], first_sequence=1) -> list:
    """`count` decisions of `meeting`, referenced as Decision.propose_reference does (made unique)."""
    from decisions.models import Decision

    verbs = [value for value, _label in Decision.Verb.choices]
    # How the wording says it: "The Board took note of ...".
    labels = {value: str(label).lower() for value, label in Decision.Verb.choices} | {"took_note": "took note of"}
    decision_items = [item for item in agenda_items if item.kind == "decision"] or agenda_items
    rows = []
    for sequence in range(first_sequence, first_sequence + count):
        verb = rng.choices(verbs, weights=[15, 15, 10, 15, 20, 5, 15, 2, 3])[0]
        topic = rng.choice(TOPICS)
        _kind, product = rng.choice(PRODUCTS)
        subject = f"{product} on {topic}"
        wording = (
            f"The {COMMON_WORD.capitalize()} {labels[verb]} the {subject.lower()}, "
            f"as presented by the Secretariat. {sentences(rng, rng.randint(1, 3), topic)}"
        )
        rows.append(
            Decision(
                meeting=meeting,
                agenda_item=rng.choice(decision_items) if decision_items else None,
                reference=unique(Decision.propose_reference(meeting, sequence), references, 40),
                sequence=sequence,
                verb=verb,
                subject=subject,
                wording=wording,
            )
        )
    return rows


def make_decisions(rng, meetings, count, agenda_by_meeting, log):
    from decisions.models import Decision

    references = set(Decision.objects.values_list("reference", flat=True))
    rows = []
    for meeting, n in zip(meetings, spread(count, len(meetings), rng), strict=True):
        rows.extend(decision_rows(rng, meeting, n, agenda_by_meeting.get(meeting.pk, []), references))
    return bulk(Decision, rows, log)


def link_decisions(rng, decisions, documents, memberships, roles, log):
    """What decisions acted on: every document by one or two decisions, half the memberships, every role held."""
    from decisions.models import Decision

    through = Decision.documents.through
    rows, seen = [], set()
    for document in documents:
        for decision in rng.sample(decisions, min(len(decisions), rng.randint(1, 2))):
            if (decision.pk, document.pk) not in seen:
                seen.add((decision.pk, document.pk))
                rows.append(through(decision=decision, document=document))
    bulk(through, rows, log)
    through = Decision.memberships.through
    bulk(
        through, [through(decision=rng.choice(decisions), membership=m) for m in memberships if rng.random() < 0.5], log
    )
    through = Decision.roles.through
    bulk(through, [through(decision=rng.choice(decisions), roleheld=r) for r in roles], log)
    # Whom a decision concerns: an organisation for one decision in five (the register's filter finds them).
    through = Decision.concerns_organisations.through
    organisations = sorted({m.organisation_id for m in memberships})
    bulk(
        through,
        [through(decision=d, organisation_id=rng.choice(organisations)) for d in decisions if rng.random() < 0.2],
        log,
    )


def action_rows(rng, meeting, count, decisions, people, organisations) -> list:
    from decisions.models import ActionItem

    today = dt.date.today()
    rows = []
    for _ in range(count):
        due = meeting.start.date() + dt.timedelta(days=rng.randrange(30, 365))
        if due < today - dt.timedelta(days=180):
            status = rng.choices(["done", "dropped", "in_progress", "open"], weights=[70, 10, 10, 10])[0]
        else:
            status = rng.choices(["open", "in_progress", "done"], weights=[50, 40, 10])[0]
        by_person = rng.random() < 0.4
        _kind, product = rng.choice(PRODUCTS)
        rows.append(
            ActionItem(
                meeting=meeting,
                decision=rng.choice(decisions) if decisions and rng.random() < 0.7 else None,
                description=rng.choice(ACTION_TEXTS).format(product=product.lower(), topic=rng.choice(TOPICS)),
                owner_person=rng.choice(people) if by_person else None,
                owner_organisation=None if by_person else rng.choice(organisations),
                due_date=due,
                status=status,
            )
        )
    return rows


def make_actions(rng, meetings, count, decisions_by_meeting, people, organisations, log):
    from decisions.models import ActionItem

    with_decisions = [m for m in meetings if decisions_by_meeting.get(m.pk)] or meetings
    rows = []
    for meeting, n in zip(with_decisions, spread(count, len(with_decisions), rng), strict=True):
        rows.extend(action_rows(rng, meeting, n, decisions_by_meeting.get(meeting.pk, []), people, organisations))
    return bulk(ActionItem, rows, log)


def make_progress_notes(rng, actions, count, log):
    from decisions.models import ProgressNote

    notes = []
    for _ in range(count):
        action = rng.choice(actions)
        notes.append(
            ProgressNote(
                action_item=action,
                note=sentences(rng, 1),
                created_at=action.meeting.start + dt.timedelta(days=rng.randrange(10, 300)),
            )
        )
    return bulk(ProgressNote, notes, log)


# --- the large meeting, the rare word, users --------------------------------------------------------


def make_large_meeting(rng, participations, decisions, people, organisations, documents, log):
    """One meeting with `participations` participations and `decisions` decisions, published."""
    from decisions.models import ActionItem, Decision
    from meetings.models import AgendaItem, Meeting, Participation

    start = local_datetime(dt.date(2023, 11, 14), 9, "Europe/Brussels")
    meeting = Meeting(
        kind="other",
        title=LARGE_MEETING_TITLE,
        start=start,
        end=start + dt.timedelta(hours=32),
        time_zone="Europe/Brussels",
        city="Brussels",
        country="Belgium",
        venue="Conference Centre",
        format="hybrid",
        public_summary=sentences(rng, 8),
        minutes=sentences(rng, 40),
        status="published",
        circulated_at=start + dt.timedelta(days=10),
        published_at=start + dt.timedelta(days=20),
    )
    meeting.slug = meeting.build_slug()
    meeting = bulk(Meeting, [meeting])[0]
    items = bulk(
        AgendaItem,
        [
            AgendaItem(
                meeting=meeting, position=p, title=f"Item {p}: {rng.choice(TOPICS)}", kind=kind, notes=sentences(rng, 3)
            )
            for p, kind in enumerate(["opening"] + ["decision", "discussion", "presentation"] * 6 + ["aob"], start=1)
        ],
    )
    bulk(Participation, participation_rows(rng, meeting, participations, people, organisations))
    references = set(Decision.objects.values_list("reference", flat=True))
    made = bulk(Decision, decision_rows(rng, meeting, decisions, items, references))
    through = Decision.documents.through
    bulk(
        through,
        [
            through(decision=d, document=doc)
            for d, doc in zip(made[:40], rng.sample(documents, min(40, len(documents))), strict=False)
        ],
    )
    bulk(ActionItem, action_rows(rng, meeting, 50, made, people, organisations))
    log(f"  large meeting /meetings/{meeting.slug}/: {participations:,} participations, {decisions:,} decisions")
    return meeting


def plant_rare_word(rng, meetings, log):
    """RARE_WORD in 1 meeting, 1 agenda item, 2 decisions and 1 document, all published: same hits at any scale."""
    from decisions.models import Decision, Document
    from meetings.models import AgendaItem, Meeting

    published = [m.pk for m in meetings if m.status == "published" and m.public_summary]
    if not published:
        log(f"  no published meeting with a summary at this scale: {RARE_WORD!r} not planted")
        return
    meeting = Meeting.objects.get(pk=published[len(published) // 2])
    meeting.public_summary += f" A side event took place in {RARE_WORD.capitalize()}."
    Meeting.objects.filter(pk=meeting.pk).update(public_summary=meeting.public_summary)
    item = AgendaItem.objects.filter(meeting=meeting).order_by("position").first()
    if item:
        AgendaItem.objects.filter(pk=item.pk).update(
            notes=f"{item.notes} The partners met in {RARE_WORD.capitalize()}."
        )
    for decision in Decision.objects.filter(meeting__pk__in=published).order_by("pk")[:2]:
        Decision.objects.filter(pk=decision.pk).update(
            wording=f"{decision.wording} The {RARE_WORD.capitalize()} conclusions were welcomed."
        )
    document = Document.objects.filter(decisions__meeting__pk__in=published).order_by("pk").first()
    if document:
        Document.objects.filter(pk=document.pk).update(
            description=f"{document.description} Adopted in {RARE_WORD.capitalize()}."
        )


def make_users(log) -> dict[str, str]:
    """bench_board (Board members) and bench_secretariat (Secretariat), no second factor; returns the passwords."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    passwords = {}
    for username, group in BENCH_USERS.items():
        password = secrets.token_urlsafe(12)
        user, _created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@bench.invalid"}
        )
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=group)])
        passwords[username] = password
    return passwords


def fill(
    scale: float, seed: int = 11, large=(LARGE_MEETING_PARTICIPATIONS, LARGE_MEETING_DECISIONS), log=print
) -> dict:
    """Add scale x VOLUME_1X synthetic rows and the large meeting to the current database; returns the counts."""
    from django.db import transaction
    from django.utils import timezone

    from members.models import Organisation, Person

    rng = random.Random(seed)
    counts = scaled(scale)
    with transaction.atomic():
        checks_after = foreign_key_checks_after_the_fill(log)
        pillars = make_pillars(rng, counts["pillars"], log)
        make_organisations(rng, counts["organisations"], log)
        organisations = list(Organisation.objects.all())
        make_people(rng, counts["people"], organisations, log)
        people = list(Person.objects.all())
        memberships = make_memberships(rng, counts["memberships"], organisations, log)
        roles = make_roles(rng, counts["roles"], people, organisations, pillars, log)

        meetings = make_meetings(rng, counts["meetings"], pillars, log)
        now = timezone.now()
        past = [m for m in meetings if m.start < now] or meetings
        agenda = make_agenda(rng, meetings, counts["agenda_items"], people, organisations, log)
        agenda_by_meeting: dict[int, list] = {}
        for item in agenda:
            agenda_by_meeting.setdefault(item.meeting_id, []).append(item)
        make_participations(rng, past, counts["participations"], people, organisations, log)
        make_reschedules_and_corrections(rng, meetings, counts["reschedules"], counts["corrections"], log)

        documents = make_documents(rng, counts["documents"], pillars, log)
        decisions = make_decisions(rng, past, counts["decisions"], agenda_by_meeting, log)
        decisions_by_meeting: dict[int, list] = {}
        for decision in decisions:
            decisions_by_meeting.setdefault(decision.meeting_id, []).append(decision)
        link_decisions(rng, decisions, documents, memberships, roles, log)
        actions = make_actions(rng, past, counts["actions"], decisions_by_meeting, people, organisations, log)
        make_progress_notes(rng, actions, counts["progress_notes"], log)

        if large:
            make_large_meeting(rng, large[0], large[1], people, organisations, documents, log)
        plant_rare_word(rng, meetings, log)
        if checks_after:
            check_foreign_keys(log)
    return counts


def foreign_key_checks_after_the_fill(log) -> bool:
    """
    On PostgreSQL as a superuser: no foreign-key check per inserted row; check_foreign_keys() checks
    every key once, set-wise, before the fill commits. Returns whether it is to be called.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: PostgreSQL queues one check per row and
    key and runs them at the commit, each an index look-up that locks the row it finds (FOR KEY
    SHARE). At 100x (about 300,000 rows, 114 keys) that commit took 131 of the fill's 200 s.
    `session_replication_role = replica` (for this transaction only: SET LOCAL) skips those checks;
    the portal's tables have no other triggers (a new one would be skipped too: say so here).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            log("  (not a superuser: foreign keys are checked row by row at the commit, as the portal does)")
            return False
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
        if cursor.fetchone()[0]:
            log("  (the tables have triggers of their own: foreign keys are checked row by row at the commit)")
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def check_foreign_keys(log) -> None:
    """Every foreign key of the schema, checked once over its whole table (an anti-join): no row points nowhere."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname
            FROM pg_constraint c
            JOIN pg_namespace n ON n.oid = c.connamespace
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
            WHERE c.contype = 'f' AND n.nspname = current_schema() AND cardinality(c.conkey) = 1
            """
        )
        keys = cursor.fetchall()
        quote = connection.ops.quote_name
        broken = []
        for table, column, target, target_column in keys:
            cursor.execute(
                f"SELECT count(*) FROM {table} r WHERE r.{quote(column)} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {target} t WHERE t.{quote(target_column)} = r.{quote(column)})"
            )
            orphans = cursor.fetchone()[0]
            if orphans:
                broken.append(f"{table}.{column} -> {target}: {orphans:,} rows")
        cursor.execute("SET LOCAL session_replication_role = origin")
    if broken:
        raise RuntimeError("Foreign keys broken by the fill (rolled back):\n  " + "\n  ".join(broken))
    log(f"  foreign keys: {len(keys)} checked set-wise, none broken  {time.perf_counter() - started:6.1f} s")


def fill_search_vectors(log) -> None:
    """
    Stored search vectors, if the models have any (a SearchVectorField), are filled by a trigger or
    by save(); bulk_create calls no save(). Today the GIN indexes are on expressions, which
    PostgreSQL fills on insert. If a model gains a SearchVectorField, say so loudly: fill it here.
    """
    from django.apps import apps
    from django.contrib.postgres.search import SearchVectorField

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, SearchVectorField):
                empty = model.objects.filter(**{f"{field.name}__isnull": True}).count()
                if empty:
                    log(
                        f"WARNING: {model._meta.label}.{field.name} is empty in {empty:,} rows: bulk inserts do not "
                        "fill stored search vectors; adapt bench/volume.py fill_search_vectors()."
                    )


def vacuum_analyze(log) -> None:
    """What autovacuum does on a live database: planner statistics, and the GIN pending lists merged."""
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    started = time.perf_counter()
    tables = sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)})
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in tables:
            if table in existing:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
    log(f"VACUUM ANALYZE of {len(tables)} tables: {time.perf_counter() - started:.1f} s")


def has_data() -> bool:
    from django.apps import apps
    from django.db import connection

    existing = set(connection.introspection.table_names())
    for label in ("meetings.Meeting", "members.Organisation", "auth.User", "decisions.Decision"):
        model = apps.get_model(label)
        if model._meta.db_table in existing and model.objects.exists():
            return True
    return False


def drop_all_tables(log) -> None:
    """--reset: drop every table, so that migrate runs again with its data migrations (groups, indexes)."""
    from django.db import connection

    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if tables:
                cursor.execute("DROP TABLE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
    log(f"--reset: dropped {len(tables)} tables")


def row_counts() -> dict[str, int]:
    from django.apps import apps

    labels = [
        "members.Organisation", "members.Person", "members.Pillar", "members.Membership", "members.RoleHeld",
        "meetings.Meeting", "meetings.Participation", "meetings.AgendaItem", "decisions.Decision",
        "decisions.Document", "decisions.ActionItem",
    ]  # fmt: skip
    return {label: apps.get_model(label).objects.count() for label in labels}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--scale", type=float, required=True, help="multiple of today's volume: 1, 10, 100, 0.1 ...")
    parser.add_argument("--database-url", help="the database to fill (default: DATABASE_URL)")
    parser.add_argument("--reset", action="store_true", help="drop every table of a database that has data first")
    parser.add_argument("--seed", type=int, default=11, help="random seed (the same seed makes the same data)")
    args = parser.parse_args()
    if args.scale <= 0:
        parser.error("--scale must be positive")

    setup_django(args.database_url)
    from django.core.management import call_command

    started = time.perf_counter()
    print(f"Database: {describe_database()}")
    if has_data():
        if not args.reset:
            sys.exit(
                "This database already has data (meetings, organisations, users or decisions). "
                "Run again with --reset to drop every table and fill it anew."
            )
        drop_all_tables(print)
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrate: {time.perf_counter() - started:.1f} s")
    with open(os.devnull, "w") as devnull:
        call_command("load_demo", verbosity=0, stdout=devnull)
    print(f"load_demo (the 6th Board meeting): {time.perf_counter() - started:.1f} s")

    print(f"Filling at {args.scale:g}x (seed {args.seed}):")
    fill(args.scale, seed=args.seed)
    passwords = make_users(print)
    print(f"inserted: {time.perf_counter() - started:.1f} s")
    fill_search_vectors(print)
    vacuum_analyze(print)

    print("\nRows:")
    for label, count in row_counts().items():
        print(f"  {label:<24} {count:>8,}")
    print("\nUsers (no second factor; Board members need none, the Secretariat's is lifted in bench/pages.py only):")
    for username, password in passwords.items():
        print(f"  {username:<18} password: {password}")
    print(f"\nDone in {time.perf_counter() - started:.1f} s.")


if __name__ == "__main__":
    main()
