"""
Pages of an open-data list without counting it: `?page=N&per_page=M` (25 by default, at most 100). Each
page reads one row more than it shows, to know whether there is a next one; no COUNT over the whole list
is ever made (at 100 times today's volume the register holds 50,000 decisions: core/pagination.py says
what a count costs). The answer gives `next` and `previous` as full addresses, or null.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.pagination import MAX_PAGE

PER_PAGE = 25
MAX_PER_PAGE = 100


def positive_parameter(request, name: str, default: int, maximum: int) -> int:
    """A whole number from 1 to `maximum` in the query, else a 400 naming the parameter."""
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text[:8]) <= maximum or len(text) > 8:
        raise ValidationError({name: [_("A whole number from 1 to %(maximum)s.") % {"maximum": maximum}]})
    return int(text)


class LookAheadPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        """`queryset`: anything sliced like a queryset (a QuerySet, decisions.NewestFirstPages, a Chain)."""
        self.request = request
        self.page = positive_parameter(request, "page", 1, MAX_PAGE)
        self.per_page = positive_parameter(request, "per_page", PER_PAGE, MAX_PER_PAGE)
        start = (self.page - 1) * self.per_page
        rows = list(queryset[start : start + self.per_page + 1])
        self.has_next = len(rows) > self.per_page
        return rows[: self.per_page]

    def _url(self, page: int) -> str:
        url = self.request.build_absolute_uri()
        return remove_query_param(url, "page") if page == 1 else replace_query_param(url, "page", page)

    def get_paginated_response(self, data):
        return Response(
            {
                "page": self.page,
                "per_page": self.per_page,
                "next": self._url(self.page + 1) if self.has_next else None,
                "previous": self._url(self.page - 1) if self.page > 1 else None,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["page", "per_page", "next", "previous", "results"],
            "properties": {
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                "next": link,
                "previous": link,
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "The page, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "per_page",
                "required": False,
                "in": "query",
                "description": f"Objects a page, {PER_PAGE} unless asked (at most {MAX_PER_PAGE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            },
        ]


class Chain:
    """Two querysets one after the other, sliced as one list (memberships, then roles held)."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    def __getitem__(self, key: slice):
        start, stop = key.start or 0, key.stop
        rows = list(self.first[start:stop])
        if len(rows) == stop - start:
            return rows
        # Past the end of the first: counted only on the pages that reach the second.
        skipped = max(0, start - self.first.count()) if not rows else 0
        return rows + list(self.second[skipped : skipped + (stop - start - len(rows))])
