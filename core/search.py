"""
Full-text search of the record: PostgreSQL full-text search with GIN-indexed search vectors and
ranking; a simple containment match on other databases (SQLite, the embedded default).

Each model searches groups of fields, named beside it (e.g. meetings.models.MEETING_PUBLIC_FIELDS);
each group is one search vector with its own GIN index (see the migrations named *_search_indexes),
so the expression here and there must stay the same. Which groups a user may search is decided by the
model's QuerySet `search()` method: text a user may not read is never matched for them.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import FloatField, Q, QuerySet, Value

from core.text import without_controls

CONFIG = "english"


def search_vector(fields: tuple[str, ...]) -> SearchVector:
    return SearchVector(*fields, config=CONFIG)


def uses_full_text_search(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def search_queryset(queryset: QuerySet, text: str, field_groups: list[tuple[str, ...]]) -> QuerySet:
    """The rows of `queryset` whose fields in `field_groups` match `text`, annotated with `rank`."""
    # PostgreSQL refuses a NUL in a query; no control character means anything in a search.
    text = without_controls(text).strip()
    if not text or not field_groups:
        return queryset.none()
    if not uses_full_text_search(queryset):
        match = Q()
        for fields in field_groups:
            for field in fields:
                match |= Q(**{f"{field}__icontains": text})
        return queryset.filter(match).annotate(rank=Value(0.0, output_field=FloatField()))
    query = SearchQuery(text, config=CONFIG, search_type="websearch")
    match = Q()
    rank = None
    for number, fields in enumerate(field_groups):
        name = f"search_vector_{number}"
        # alias(), not annotate(): the vector is matched in WHERE (through its GIN index), never selected.
        queryset = queryset.alias(**{name: search_vector(fields)})
        match |= Q(**{name: query})
        group_rank = SearchRank(search_vector(fields), query)
        rank = group_rank if rank is None else rank + group_rank
    return queryset.filter(match).annotate(rank=rank)
