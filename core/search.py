"""
Full-text search of the record: PostgreSQL full-text search on stored, GIN-indexed search vectors
with ranking; a simple containment match on other databases (SQLite, the embedded default).

Each model searches groups of fields, named beside it (e.g. meetings.models.MEETING_PUBLIC_FIELDS);
each group is one stored vector, a generated column (`vector_field()`): PostgreSQL computes it on
every insert and update, `save()`, `bulk_create()` and `update()` alike, so no code path can leave
it stale, and adding the column fills the existing rows. Each has a GIN index (the migrations named
*_search_vectors; not in the models' Meta, SQLite has no GIN). On SQLite the column is NULL and
the search matches the fields themselves. Which groups a user may search is decided by the model's
QuerySet `search()` method: text a user may not read is never matched for them.

A common word matches most rows, and ranking every match is what made search slow: only the newest
CANDIDATES matches (by primary key, i.e. most recently recorded) are ranked.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connections, models
from django.db.models import F, FloatField, Q, QuerySet, Value

from core.lookups import among
from core.text import without_controls

CONFIG = "english"
# Matches ranked per search and kind of record: the newest ones.
CANDIDATES = 500


class StoredSearchVector(SearchVector):
    """The expression of a stored vector: to_tsvector(...) on PostgreSQL, NULL on other databases."""

    def as_sql(self, compiler, connection, function=None, template=None, **extra_context):
        if connection.vendor != "postgresql":
            return "NULL", []
        return super().as_sql(compiler, connection, function=function, template=template, **extra_context)


def vector_field(fields: tuple[str, ...]) -> models.GeneratedField:
    """A stored search vector of `fields` (PostgreSQL computes it; NULL elsewhere)."""
    return models.GeneratedField(
        expression=StoredSearchVector(*fields, config=CONFIG),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )


class SearchVectorsDeferred(models.Manager):
    """
    A manager whose rows leave the stored vectors in the database: they are only for WHERE and
    ranking, and would otherwise be sent with every row of every page. Use as a model's manager,
    with `from_queryset()`.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        names = [field.name for field in self.model._meta.concrete_fields if is_vector(field)]
        return queryset.defer(*names) if names else queryset


def is_vector(field) -> bool:
    return getattr(field, "generated", False) and isinstance(field.output_field, SearchVectorField)


def uses_full_text_search(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def search_queryset(queryset: QuerySet, text: str, groups: list[tuple[str, tuple[str, ...]]]) -> QuerySet:
    """
    The rows of `queryset` whose fields match `text`, annotated with `rank`: `groups` are pairs of
    a stored vector's name and the fields it is made of (searched by containment without PostgreSQL).
    On PostgreSQL, only the newest CANDIDATES matches are ranked and returned.
    """
    match = matching(queryset, text, groups)
    if match is None:
        return queryset.none()
    if not uses_full_text_search(queryset):
        return queryset.filter(match).annotate(rank=Value(0.0, output_field=FloatField()))
    query = _query(text)
    rank = None
    for vector, _fields in groups:
        group_rank = SearchRank(F(vector), query)
        rank = group_rank if rank is None else rank + group_rank
    candidates = queryset.filter(match).order_by("-pk").values("pk")[:CANDIDATES]
    # pk = ANY(ARRAY(candidates)): PostgreSQL computes the candidates once and reads just those rows
    # by primary key. As `pk IN (candidates)` it read the whole table again, applying the visibility
    # rule to every row, to join them (29 ms for the decisions at 100 times today's volume).
    return queryset.filter(among(candidates)).annotate(rank=rank)


def matching(queryset: QuerySet, text: str, groups: list[tuple[str, tuple[str, ...]]]) -> Q | None:
    """The condition that a row matches `text` (no ranking, nothing capped); None for an empty text."""
    # PostgreSQL refuses a NUL in a query; no control character means anything in a search.
    text = without_controls(text or "").strip()
    if not text or not groups:
        return None
    match = Q()
    if not uses_full_text_search(queryset):
        for _vector, fields in groups:
            for field in fields:
                match |= Q(**{f"{field}__icontains": text})
        return match
    query = _query(text)
    for vector, _fields in groups:
        match |= Q(**{vector: query})
    return match


def _query(text: str) -> SearchQuery:
    return SearchQuery(without_controls(text).strip(), config=CONFIG, search_type="websearch")
