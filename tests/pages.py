"""
Every page of the portal, taken from the URLconf: the tests that open pages by kind read them here,
never from a list of their own, so that a new page cannot be forgotten.

- `routes()` walks the URLconf (django.urls.get_resolver) and yields each route, by its name;
- `fill(route, records)` fills its parameters from records found by the path segment before each
  parameter (…/agenda/<int:pk>/ → records["agenda"].pk; `number`, a file's version, is 1);
- `PAGES` says what each route of the portal is (tests/foundation/test_pages.py fails when a route has
  no entry, or an entry no route); `pages_of(kind)` yields the routes of one kind.

The admin is Django's own: its pages are covered by the model admins (tests/foundation/test_admin.py).
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# What a route is, for the tests that open every page of a kind.
LIST = "list"  # a reading page without parameters, open to everyone (what it lists is as visible as each record)
RECORD = "record"  # a reading page of (or hanging from) a meeting record: seen with the record
PUBLIC = "public"  # a reading page of a record that is always public
PROCEDURE = "procedure"  # a written procedure's page: tests/procedures/test_access.py has their matrix
EDIT = "edit"  # the Secretariat's editing pages (under /edit/)
ACCOUNT = "account"  # signing in and out, the second factor, enrolment and invitation links

PAGES: dict[str, str] = {
    "home": LIST,
    "meetings:meeting-list": LIST,
    "meetings:meetings-ics": LIST,
    "decisions:decision-list": LIST,
    "decisions:decision-export-csv": LIST,
    "decisions:decision-export-json": LIST,
    "portal:member-list": LIST,
    "decisions:document-list": LIST,
    "decisions:action-list": LIST,
    "decisions:procedure-list": LIST,
    "decisions:procedures-ics": LIST,
    "portal:search": LIST,
    "portal:meeting-detail": RECORD,
    "meetings:meeting-ics": RECORD,
    "portal:meeting-pdf": RECORD,
    "decisions:decision-detail": RECORD,
    "decisions:document-detail": RECORD,
    "decisions:document-download": RECORD,
    "portal:organisation-detail": RECORD,
    # The holder of the role a record's decision made: known only with the record.
    "portal:person-detail": RECORD,
    "portal:pillar-detail": PUBLIC,
    "decisions:procedure-detail": PROCEDURE,
    "decisions:procedure-answer": PROCEDURE,
    "portal:desk-group": EDIT,
    "meetings-edit:meeting-create": EDIT,
    "meetings-edit:meeting-edit": EDIT,
    "meetings-edit:participants": EDIT,
    "meetings-edit:agenda": EDIT,
    "meetings-edit:agenda-item-create": EDIT,
    "meetings-edit:agenda-item-edit": EDIT,
    "meetings-edit:agenda-item-delete": EDIT,
    "meetings-edit:announce": EDIT,
    "meetings-edit:reschedule": EDIT,
    "meetings-edit:cancel": EDIT,
    "meetings-edit:circulate": EDIT,
    "meetings-edit:publish": EDIT,
    "meetings-edit:unpublish": EDIT,
    "meetings-edit:correct": EDIT,
    "meetings-edit:meeting-history": EDIT,
    "meetings-edit:occasion-edit": EDIT,
    "decisions-edit:meeting-decisions": EDIT,
    "decisions-edit:meeting-papers": EDIT,
    "decisions-edit:paper-remove": EDIT,
    "decisions-edit:decision-create": EDIT,
    "decisions-edit:admit-members": EDIT,
    "decisions-edit:end-membership": EDIT,
    "decisions-edit:approve-documents": EDIT,
    "decisions-edit:appoint": EDIT,
    "decisions-edit:agree-action": EDIT,
    "decisions-edit:decision-edit": EDIT,
    "decisions-edit:decision-history": EDIT,
    "decisions-edit:document-create": EDIT,
    "decisions-edit:document-edit": EDIT,
    "decisions-edit:document-upload": EDIT,
    "decisions-edit:document-history": EDIT,
    "decisions-edit:action-edit": EDIT,
    "decisions-edit:procedure-create": EDIT,
    "decisions-edit:procedure-edit": EDIT,
    "decisions-edit:procedure-launch": EDIT,
    "decisions-edit:procedure-record-answer": EDIT,
    "decisions-edit:procedure-remind": EDIT,
    "decisions-edit:procedure-withdraw": EDIT,
    "decisions-edit:procedure-publish": EDIT,
    "decisions-edit:procedure-history": EDIT,
    "members-edit:organisation-create": EDIT,
    "members-edit:organisation-edit": EDIT,
    "members-edit:membership-create": EDIT,
    "members-edit:membership-end": EDIT,
    "members-edit:person-create": EDIT,
    "members-edit:person-edit": EDIT,
    "members-edit:pillar-create": EDIT,
    "members-edit:role-create": EDIT,
    "members-edit:role-edit": EDIT,
    "members-edit:role-end": EDIT,
    "members-edit:organisation-access": EDIT,
    "members-edit:access-give": EDIT,
    "members-edit:access-invite-again": EDIT,
    "members-edit:access-remove": EDIT,
    "login": ACCOUNT,
    "logout": ACCOUNT,
    "enrolment-link": ACCOUNT,
    "invitation": ACCOUNT,
    "two_factor:setup": ACCOUNT,
    "two_factor:qr": ACCOUNT,
    "two_factor:backup_tokens": ACCOUNT,
    "two_factor:profile": ACCOUNT,
    "two_factor:disable": ACCOUNT,
    # issue 20: pack
    "portal:meeting-pack": RECORD,
    # issue 20: mail
    "email-preferences": ACCOUNT,
    "email-unsubscribe": ACCOUNT,
    # issue 22: the language switcher's form (POST only; tests/i18n/test_switcher.py)
    "choose-language": ACCOUNT,
    # issue 20: register
    "decisions:decision-feed": LIST,
    "meetings:meeting-feed": LIST,
    # issue 21: chain
    "portal:verify": LIST,
    "portal:meeting-version": RECORD,
    # issue 21: api — the open-data API: always the public's answer, whoever asks (tests/opendata).
    "opendata:api-documentation": LIST,
    "opendata:api-index": LIST,
    "opendata:api-openapi": LIST,
    "opendata:api-organization-list": LIST,
    "opendata:api-organization-detail": RECORD,
    "opendata:api-person-list": LIST,
    "opendata:api-person-detail": RECORD,
    "opendata:api-membership-list": LIST,
    "opendata:api-membership-detail": RECORD,
    "opendata:api-post-list": LIST,
    "opendata:api-post-detail": PUBLIC,
    "opendata:api-event-list": LIST,
    "opendata:api-event-detail": RECORD,
    "opendata:api-decision-list": LIST,
    "opendata:api-decision-detail": RECORD,
}

# What a list page is opened with, where its address alone shows little.
QUERIES = {"portal:search": "?q=board"}

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # with its namespace: "portal:meeting-detail"
    route: str  # "meetings/<slug:slug>/"

    @property
    def short_name(self) -> str:
        return self.name.rpartition(":")[2]

    @property
    def has_parameters(self) -> bool:
        return _PARAMETER.search(self.route) is not None


def routes(*, admin: bool = False, patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every route of the URLconf, in its order; the admin's only with admin=True."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            route = prefix + str(pattern.pattern)
            if route.startswith("admin/") and not admin:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(admin=admin, patterns=pattern.url_patterns, prefix=route, namespace=inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            # An unnamed route goes by its path (and has no entry in PAGES: name it).
            yield Route(namespace + pattern.name if pattern.name else route, route)


def routes_without_an_entry() -> list[str]:
    """The routes of the portal PAGES does not say anything about."""
    return [route.name for route in routes() if route.name not in PAGES]


def pages_of(*kinds: str) -> list[Route]:
    """The routes of the portal of those kinds (PAGES), in the URLconf's order."""
    return [route for route in routes() if PAGES.get(route.name) in kinds]


def segment_before(route: str, match: re.Match) -> str:
    return route[: match.start()].rstrip("/").split("/")[-1]


def fill(route: str | Route, records: Mapping[str, object]) -> str:
    """
    The path of the route with each parameter filled in from `records`, a mapping from the path segment
    before the parameter to the record: "meetings/<slug:slug>/" → "/meetings/" + records["meetings"].slug.
    """
    route = route.route if isinstance(route, Route) else route
    path = route
    for match in _PARAMETER.finditer(route):
        name = match.group("name")
        if name == "number":
            value = 1
        else:
            segment = segment_before(route, match)
            assert segment in records, f"{route}: no record for '{segment}/' (add it to the records)"
            value = getattr(records[segment], name)
        path = path.replace(match.group(0), str(value), 1)
    return "/" + path
