"""
The pages that compose the apps: the home page, site search, a meeting's record (the meeting with
its decisions, their outcomes and the follow-up; also as PDF), the member list with the roles
register, each organisation's page (with the decisions behind memberships and roles held, and the
meetings it took part in), each person's page (positions as recorded at each meeting, roles held,
meetings, decisions) and each pillar's page (partners, meetings, documents, decisions).

Every row comes through its model's `visible_to(user)`, and so does every related row a template
shows (prefetched into `visible_*` attributes).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core import clock, pagecache
from core.collation import by_name
from core.pagination import CappedPaginator
from core.pdf import render_pdf
from core.roles import is_board_member, is_secretariat
from core.workflow import RecordStatus
from decisions.models import ActionItem, Decision, Document, MeetingPaper, NewestFirstPages
from meetings import readiness
from meetings.models import AgendaItem, Meeting, Participation, PublicParticipation
from members.models import Membership, Organisation, Person, Pillar, RoleHeld
from portal import mine, pack, versions
from portal import search as site_search
from portal.desk import GROUP_KEYS, GROUP_PAGE_SIZE, desk_for, desk_group
from portal.record_data import record_data
from portal.signatures import sign_if_official

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
CATEGORY_ORDER = [Membership.Category.BOARD, Membership.Category.SUPPORT_GROUP, Membership.Category.OBSERVER]

# How the public record names each group of organisations that took part.
TOOK_PART_LABELS = {
    Participation.Role.DELEGATE: _("Delegations"),
    Participation.Role.SUPPORT_GROUP: _("Support Group"),
    Participation.Role.OBSERVER: _("Observers"),
    Participation.Role.SECRETARIAT: _("Secretariat"),
}


@require_http_methods(["GET"])
def desk_group_list(request):
    """
    One group of the Secretariat's desk in full (?group=to-publish), paginated: where its "and N more" leads
    when no other list of the portal holds exactly those records. The Secretariat's only (others: 403, or
    the sign-in), never stored by the page cache (signed in).
    """
    if not is_secretariat(request.user):
        raise PermissionDenied
    key = request.GET.get("group", "")
    if key not in GROUP_KEYS:
        raise Http404
    try:
        number = max(int(request.GET.get("page") or 1), 1)
    except ValueError:
        number = 1
    group = desk_group(request.user, key, page=number, today=clock.localdate(), now=clock.now())
    if number > 1 and not group.rows:
        raise Http404
    page_obj = Paginator(range(group.total), GROUP_PAGE_SIZE).get_page(number)
    return render(request, "portal/desk_group.html", {"group": group, "page_obj": page_obj})


# How many meetings still to come the home page lists (postponed and cancelled ones say so).
UPCOMING_ON_HOME = 3


def home(request):
    user = request.user
    if is_secretariat(user):
        # The Secretariat's desk: what waits for them. A signed-in page, never stored by the page cache.
        return render(request, "portal/desk.html", {"desk": desk_for(user, today=clock.localdate(), now=clock.now())})
    if mine.has_my_home(user):
        # A Board member's own home (portal/mine.py): what waits for them. Signed in: never stored by the page cache.
        now = clock.now()
        visit = mine.visit_home(user, now)
        return render(
            request,
            "portal/my_home.html",
            {"home": mine.home_for(user, visit=visit, now=now, today=clock.localdate())},
        )
    # Listed: the meetings whose record the user may see, and those announced to the public.
    meetings = Meeting.objects.listable_by(user).select_related("pillar", "occasion")
    upcoming = list(meetings.upcoming()[:UPCOMING_ON_HOME])
    latest = list(meetings.past()[:5])
    # The dates announced before, for both lists at once.
    prefetch_related_objects([*upcoming, *latest], "reschedules")
    # The newest ten in two steps (ids by the index, then those rows): sorting every visible one grew with the register.
    latest_decisions = NewestFirstPages(Decision.objects.visible_to(user), lambda rows: rows.with_acted_on(user))
    return render(
        request,
        "portal/home.html",
        {"upcoming_meetings": upcoming, "latest_meetings": latest, "latest_decisions": latest_decisions[:10]},
    )


def search(request):
    """The best matches of each kind of record with their counts; with ?kind=, all of that kind, paginated."""
    text = site_search.search_text(request.GET.get("q", ""))
    kind = site_search.KINDS_BY_KEY.get(request.GET.get("kind", "")) if text else None
    if kind is not None:
        pages = site_search.KindPages(kind, request.user, text)
        paginator = Paginator(pages, site_search.PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        count = paginator.count
        context = {
            "kind": kind,
            "page_obj": page,
            "result_count": count,
            "found_text": site_search.found_text(kind, count, site_search.is_capped(pages.records, count)),
        }
    else:
        overview = site_search.search_overview(request.user, text)
        context = {
            "overview": overview,
            "result_count": sum(group.count for group in overview),
            "capped": any(group.capped for group in overview),
        }
    return render(request, "portal/search.html", {"search_text": text, **context})


# --- A meeting's record -------------------------------------------------------------------------


def _participations(user, **filters):
    """Participations `user` may see: in full for Board members and the Secretariat, else the public projection."""
    rows = Participation.objects.visible_to(user).filter(**filters)
    # The public projection names people through its own join (named_person): no select_related("person").
    return rows.select_related("person") if is_board_member(user) else rows


def _as_read_by(rows, user) -> list:
    """The rows of _participations() as `user` reads them: the public through PublicParticipation only."""
    return list(rows) if is_board_member(user) else [PublicParticipation(row) for row in rows]


def _prefetch_some(rows: list, flag: str, to_attr: str, make_prefetch) -> None:
    """
    The Prefetch `make_prefetch()` (into `to_attr`) for the rows whose `flag` is set, built only then (a
    visibility rule costs to build); the other rows get an empty list without a query.
    """
    some = [row for row in rows if getattr(row, flag)]
    if some:
        prefetch_related_objects(some, make_prefetch())
    for row in rows:
        if not getattr(row, flag):
            setattr(row, to_attr, [])


def record_context(meeting: Meeting, user) -> dict:
    """The record of a meeting as `user` may see it, for the page and the PDF."""
    participations = _as_read_by(
        _participations(user, meeting=meeting).select_related("organisation__parent").order_by("order", "id"), user
    )
    speakers = [p for p in participations if p.role in Participation.PUBLIC_ROLES]
    # Who took part at which level: organisations grouped by role and level, in the recorded order. Each
    # (role, level)'s labels are translated once, not once per participant (a large meeting has 1,000).
    took_part: dict[tuple[str, str], list[Organisation]] = {}
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    for participation in participations:
        if participation.role not in Participation.PUBLIC_ROLES and participation.organisation:
            values = (participation.role, participation.level)
            key = labels.get(values)
            if key is None:
                key = labels[values] = (
                    str(TOOK_PART_LABELS.get(participation.role, participation.get_role_display())),
                    participation.get_level_display(),
                )
            took_part.setdefault(key, []).append(participation.organisation)

    agenda_items = list(
        AgendaItem.objects.visible_to(user)
        .filter(meeting=meeting)
        .annotate(
            has_presenters=Exists(AgendaItem.presenters.through.objects.filter(agendaitem=OuterRef("pk"))),
            has_presenting_organisations=Exists(
                AgendaItem.presenting_organisations.through.objects.filter(agendaitem=OuterRef("pk"))
            ),
        )
    )
    # The presenters as the user may see them, asked only for the items that name any: the public reads
    # no agenda, and the organisations' rule costs about 100 ms of SQL at 100x, even for no row.
    _prefetch_some(
        agenda_items,
        "has_presenters",
        "visible_presenters",
        lambda: Prefetch("presenters", queryset=Person.objects.visible_to(user), to_attr="visible_presenters"),
    )
    _prefetch_some(
        agenda_items,
        "has_presenting_organisations",
        "visible_presenting_organisations",
        lambda: Prefetch(
            "presenting_organisations",
            queryset=Organisation.objects.visible_to(user),
            to_attr="visible_presenting_organisations",
        ),
    )
    decisions = list(
        Decision.objects.visible_to(user)
        .filter(meeting=meeting)
        .with_acted_on(user)
        # A decision is followed up when an action is recorded for it, whatever its verb ("Agreed" is no action).
        .annotate(followed_up=Exists(ActionItem.objects.filter(decision=OuterRef("pk"))))
        .order_by("sequence")
    )
    decisions_by_verb: dict[str, list] = {}
    verbs: dict[str, str] = {}  # each verb's label translated once
    for decision in decisions:
        verb = verbs.get(decision.verb)
        if verb is None:
            verb = verbs[decision.verb] = decision.get_verb_display()
        decisions_by_verb.setdefault(verb, []).append(decision)
    new_memberships = [m for d in decisions for m in d.visible_memberships]
    roles = [r for d in decisions for r in d.visible_roles]
    documents = list({doc.pk: doc for d in decisions for doc in d.visible_documents}.values())
    action_items = list(
        ActionItem.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("owner_organisation", "owner_person", "decision")
        .order_by("due_date", "id")
    )
    full_record = is_board_member(user)
    # The papers put before the meeting: part of the full record (the public reads none).
    papers = (
        list(
            MeetingPaper.objects.filter(meeting=meeting, document__in=Document.objects.visible_to(user))
            .select_related("document__kind", "agenda_item")
            .order_by("agenda_item__position", "order", "id")
        )
        if full_record
        else []
    )
    return {
        "meeting": meeting,
        # The member-only part is left out when it would hold nothing.
        "has_member_sections": full_record
        and bool(meeting.minutes or participations or agenda_items or documents or papers),
        "papers": papers,
        "participations": participations,
        "speakers": speakers,
        "took_part": [(role, level, organisations) for (role, level), organisations in took_part.items()],
        "agenda_items": agenda_items,
        "decisions": decisions,
        "decisions_by_verb": list(decisions_by_verb.items()),
        "new_memberships": new_memberships,
        "roles": roles,
        # What the public reads as the agreed follow-up: the decisions an action was recorded for (the
        # actions themselves are part of the full record).
        "followed_up_decisions": [d for d in decisions if d.followed_up],
        "documents": documents,
        "action_items": action_items,
        "reschedules": list(meeting.reschedules.all()),
        "corrections": list(meeting.corrections.all()),
        "full_record": full_record,
    }


def _visible_meeting(request, slug) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user).select_related("pillar", "occasion"), slug=slug)


def meeting_detail(request, slug):
    """
    The record as the user may see it; for a meeting announced but whose record the user may not see,
    the announcement and nothing else (no summary, participants, agenda, decisions or documents).
    """
    meeting = Meeting.objects.visible_to(request.user).select_related("pillar", "occasion").filter(slug=slug).first()
    if meeting is None:
        announcement = get_object_or_404(Meeting.objects.listable_by(request.user).for_listing(), slug=slug)
        context = {"meeting": announcement, "announcement": True, "reschedules": list(announcement.reschedules.all())}
        return render(request, "portal/meeting_announcement.html", context)
    user = request.user
    # The record is the same for every reader of an audience (the public, the Board): rendered once per
    # change of the site (core.pagecache.for_audience); the Secretariat's is rendered each time.
    record = pagecache.for_audience(
        "meeting-record",
        [meeting.pk, meeting.has_passed],
        user,
        # contents: the page's table of contents, which the PDF and the publish preview leave out.
        lambda: render_to_string(
            "portal/_meeting_record.html",
            {
                **record_context(meeting, user),
                "contents": True,
                # The record's versions in the chain this reader's audience reads (portal/versions.py).
                "versions": versions.versions_for(meeting, user),
                "verify_url": reverse("portal:verify"),
            },
            request=request,
        ),
    )
    # A Board member opened it: their home lists what changes after now (portal/mine.py; at most one write per visit).
    mine.meeting_opened(user, meeting, clock.now())
    # mark_safe: the HTML of our own template, cached as a string.
    context = {"meeting": meeting, "record": mark_safe(record), "full_record": is_board_member(user)}
    if is_secretariat(user) and meeting.status != RecordStatus.PUBLISHED:
        # The path of a record being prepared, in the Secretariat's panel: which parts are done.
        context["record_progress"] = readiness.PATH.progress(meeting, current="")
    return render(request, "portal/meeting_detail.html", context)


def meeting_pdf(request, slug):
    """The record as PDF: the full minutes for Board members, the public record for everyone else."""
    meeting = _visible_meeting(request, slug)
    user = request.user
    kind = "minutes" if is_board_member(user) else "record"

    def make_pdf() -> bytes:
        context = record_context(meeting, user)
        context["generated_at"] = timezone.now()
        # The data attached is the record's, in no reader's language: the labels as the chain stores them
        # (core.chain builds its versions' content under translation.override(None)), so that the digest of a
        # PDF read in any language is its version's, and a verifier recomputes it from the file alone.
        with translation.override(None):
            data = record_data(context, url=request.build_absolute_uri(meeting.get_absolute_url()))
        # A published record prints its version and digest (core.chain); the data attached carries both, so
        # that a verifier recomputes the digest from the file alone (portal.versions.canonical_record).
        version = versions.current_version(meeting, user)
        if version is not None and versions.digest_of(data) != version.content_digest:
            # The record reads differently than its latest version (changed without a correction, e.g. an
            # organisation renamed): printing that version's digest would make this genuine file look forged.
            logger.warning("Meeting %s reads unlike its version %s: run check_chain", meeting.pk, version.number)
            version = None
        if version is not None:
            context["record_version"] = version
            context["verify_url"] = request.build_absolute_uri(reverse("portal:verify"))
            data["version"], data["digest"] = version.number, version.content_digest
        pdf = render_pdf(
            "portal/meeting_record_pdf.html",
            context,
            request=request,
            data=data,
            data_name=f"{meeting.slug}-{kind}.json",
            data_description=_("The record's data (JSON), as in this PDF"),
        )
        # Signed here, inside what the page cache keeps: once per version and audience (portal/signatures.py).
        return sign_if_official(pdf, meeting, request)

    # Made once per audience and change of the site (core.pagecache.for_audience), like the page; it
    # prints its own address, so the host is part of the key.
    pdf = pagecache.for_audience(
        "meeting-pdf", [meeting.pk, meeting.has_passed, request.build_absolute_uri("/")], user, make_pdf
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{meeting.slug}-{kind}.pdf"'
    return response


def meeting_pack(request, slug):
    """
    The meeting pack (portal/pack.py) for the user's audience: built once per version of the record and
    kept as a file, streamed from storage. 404 for a meeting whose pack the user may not get.
    """
    meeting = get_object_or_404(pack.pack_meetings(request.user), slug=slug)
    name = pack.stored_pack(meeting, request.user, request)
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"{meeting.slug}-pack.pdf",
        content_type="application/pdf",
    )


# --- Members ------------------------------------------------------------------------------------


def _decisions_behind(user, to_attr="visible_decisions"):
    """The decisions behind memberships or roles held, each with its meeting, as the user may see them."""
    # correlated: a few decisions reached through the page's rows (DecisionQuerySet.visible_to).
    decisions = Decision.objects.visible_to(user, correlated=True).prefetch_related(
        Prefetch("meeting", queryset=Meeting.objects.visible_to(user))
    )
    return Prefetch("decisions", queryset=decisions.order_by("reference"), to_attr=to_attr)


def _category_rank():
    return Case(
        *[When(category=category, then=Value(rank)) for rank, category in enumerate(CATEGORY_ORDER)],
        output_field=IntegerField(),
    )


def _roles(user, *, correlated: bool = False):
    """
    Roles held as the user may see them, with their posts, holders and the decisions behind them.
    `correlated`: the few roles of one organisation, person or pillar, whose hiding rule is then an index
    look-up per role (NOT EXISTS), not a hash of every unreleased decision's links (core.visibility).
    """
    return (
        RoleHeld.objects.visible_to(user, correlated=correlated).with_people().prefetch_related(_decisions_behind(user))
    )


# Roles in the order of their posts, then their pillars, the latest term first.
ROLE_ORDER = ("post__order", "post__name", "pillar__code", "-start", "pk")


def _page(request, items, param: str):
    return CappedPaginator(items, PAGE_SIZE).get_page(request.GET.get(param))


def member_list(request):
    user = request.user
    memberships = (
        Membership.objects.visible_to(user)
        .select_related("organisation__parent")
        .prefetch_related(_decisions_behind(user))
        .alias(category_rank=_category_rank())
    )
    current = memberships.current().order_by("category_rank", by_name("organisation__name"))
    former = memberships.former().order_by("-until", by_name("organisation__name"))
    roles = _roles(user)
    return render(
        request,
        "portal/member_list.html",
        {
            "current_page": _page(request, current, "page"),
            "former_page": _page(request, former, "former_page"),
            "roles_page": _page(request, roles.current().order_by(*ROLE_ORDER), "roles_page"),
            "former_roles_page": _page(request, roles.former().order_by(*ROLE_ORDER), "former_roles_page"),
        },
    )


def organisation_detail(request, slug):
    user = request.user
    # The organisation and its parts the user may see in one query: the organisations' rule (planning it cost
    # more than the rest of the page at 100 times today's volume) is planned once, not once more for the parts.
    rows = list(
        Organisation.objects.visible_to(user)
        .select_related("parent")
        # Its parts by parent's id, not parent's slug: both sides of the OR read an index.
        .filter(Q(slug=slug) | Q(parent=Subquery(Organisation.objects.filter(slug=slug).values("pk"))))
    )
    organisation = next((row for row in rows if row.slug == slug), None)
    if organisation is None:
        raise Http404("No Organisation matches the given query.")
    memberships = (
        Membership.objects.visible_to(user, correlated=True)
        .filter(organisation=organisation)
        .prefetch_related(_decisions_behind(user))
        .order_by("-since", "category")
    )
    roles = _roles(user, correlated=True).order_by(*ROLE_ORDER)
    decisions = (
        Decision.objects.visible_to(user)
        .concerning_organisation(organisation)
        .select_related("procedure")
        .prefetch_related(Prefetch("meeting", queryset=Meeting.objects.visible_to(user)))
        .newest_first()
    )
    participations = (
        _participations(user, organisation=organisation)
        .prefetch_related(Prefetch("meeting", queryset=Meeting.objects.visible_to(user)))
        .order_by("-meeting__start", "order")
    )
    participations_page = _page(request, participations, "meetings_page")
    participations_page.object_list = _as_read_by(participations_page.object_list, user)
    return render(
        request,
        "portal/organisation_detail.html",
        {
            "organisation": organisation,
            "children": [row for row in rows if row.parent_id == organisation.pk],
            "memberships": memberships,
            "roles_held": roles.filter(organisation=organisation),
            "roles_of_people": roles.filter(Q(represented=organisation) | Q(person__organisation=organisation)),
            "people": Person.objects.visible_to(user).filter(organisation=organisation).order_by(by_name("name")),
            "decisions_page": _page(request, decisions, "page"),
            "participations_page": participations_page,
        },
    )


def _positions_over_time(participations) -> list[dict]:
    """
    The positions a person held as recorded at each meeting (oldest first), one entry per run of
    meetings with the same position and organisation: "Acting Director-General, DG NEAR — 2 meetings, from … to …".
    """
    positions: list[dict] = []
    for participation in participations:
        key = (participation.position, participation.organisation_id)
        if not participation.position:
            continue
        if positions and positions[-1]["key"] == key:
            positions[-1]["last"] = participation.meeting
            positions[-1]["count"] += 1
        else:
            positions.append(
                {
                    "key": key,
                    "position": participation.position,
                    "organisation": participation.organisation,
                    "first": participation.meeting,
                    "last": participation.meeting,
                    "count": 1,
                }
            )
    return positions


def person_detail(request, slug):
    """
    A person as the viewer may know them: positions as recorded at each meeting, roles held, meetings
    and the decisions that concern them. The public knows a person only where the public record names
    them (chairs, hosts, speakers; roles; decisions): never as a delegate, never their attendance.
    """
    user = request.user
    person = get_object_or_404(Person.objects.visible_to(user).select_related("organisation"), slug=slug)
    participations = _participations(user, person=person)
    if not is_board_member(user):
        participations = participations.filter(role__in=Participation.PUBLIC_ROLES)
    participations = participations.select_related("organisation").prefetch_related(
        Prefetch("meeting", queryset=Meeting.objects.visible_to(user))
    )
    # Every meeting, oldest first, for the positions; each is a handful of rows per person.
    read = _as_read_by(participations.order_by("meeting__start", "order"), user)
    decisions = (
        Decision.objects.visible_to(user)
        .concerning_person(person)
        .select_related("procedure")
        .prefetch_related(Prefetch("meeting", queryset=Meeting.objects.visible_to(user)))
        .newest_first()
    )
    meetings_page = _page(request, list(reversed(read)), "meetings_page")
    return render(
        request,
        "portal/person_detail.html",
        {
            "person": person,
            "positions": _positions_over_time(read),
            "roles": _roles(user, correlated=True).filter(person=person).order_by(*ROLE_ORDER),
            "meetings_page": meetings_page,
            "decisions_page": _page(request, decisions, "page"),
            "full_record": is_board_member(user),
        },
    )


def pillar_detail(request, code):
    """A pillar: its description, lead and co-lead partners (with their decisions), meetings, documents, decisions."""
    user = request.user
    pillar = get_object_or_404(Pillar.objects.all(), code__iexact=code)
    partners = _roles(user).filter(pillar=pillar).order_by(*ROLE_ORDER)
    meetings = Meeting.objects.visible_to(user).filter(pillar=pillar).order_by("-start")
    documents = Document.objects.visible_to(user).filter(pillars=pillar).select_related("kind")
    decisions = (
        Decision.objects.visible_to(user)
        .concerning_pillar(pillar)
        .select_related("procedure")
        .prefetch_related(Prefetch("meeting", queryset=Meeting.objects.visible_to(user)))
        .newest_first()
    )
    return render(
        request,
        "portal/pillar_detail.html",
        {
            "pillar": pillar,
            "current_partners": partners.current(),
            "former_partners": partners.former(),
            "meetings_page": _page(request, meetings, "meetings_page"),
            "documents_page": _page(request, documents.order_by("-period_start", "title"), "documents_page"),
            "decisions_page": _page(request, decisions, "page"),
            "full_record": is_board_member(user),
        },
    )
