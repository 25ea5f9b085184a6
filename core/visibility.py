"""
Who may see which rows, across the layers, by registration rather than by name.

Each model's `visible_to(user)` QuerySet method is its one access rule. Some rules depend on the
apps above it: an organisation is seen by whoever may see a meeting it took part in (`meetings`);
a membership created by a decision of an unreleased meeting is hidden (`decisions`). The lower app
cannot name those apps, so the higher app registers the rule here, in its AppConfig.ready():

    visibility.grant(Organisation, took_part_in_visible_meeting)   # adds rows the user may see
    visibility.hide(Membership, made_by_unreleased_decision)       # removes rows

A grant takes the user and returns the `Source`s that make rows visible (rows of another model,
and the field that points at the row made visible), or None when it does not apply to that user
(so that the Secretariat, who sees everything, builds no subquery at all). A hide takes the user
and returns the `Source` of the rows that hide a row (the links of an unreleased decision), or None.
The lower model's `visible_to` combines its own rule with `granted(...)` and `hidden(...)`. Rules
are looked up by model class, never by name.

**Why sources, not conditions.** A model's rule becomes one `EXISTS` over the UNION ALL of every
source's rows pointing at the row asked about (`exists_any`), correlated to that row: a page that
prefetches the organisations of twenty agenda items costs twenty rows' index look-ups, not a hash
of every participation and decision in the database (an `IN (subquery)`, or several EXISTS, under an
OR are computed in full for every query, and planning one subquery per source cost more than
running them). A rule that reaches a row *through* another one (an organisation is seen through a
person of it whom the user may see, a parent through its part) follows the source's field one step
further (`via`) in the same branch, instead of nesting one correlated subquery in another: nested
correlated subqueries multiply on a planner that chose sequential scans (small or fresh tables),
flat ones only add. Every branch's field is a foreign key, so every look-up has an index.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import BooleanField, Exists, Expression, F, Model, OuterRef, Q, QuerySet


@dataclass(frozen=True)
class Source:
    """Rows that make a row visible: those of `rows` whose `field` (a lookup path) points at it."""

    rows: QuerySet
    field: str

    def pointing_at(self, via: str = "") -> QuerySet:
        """The rows of this source pointing at the outer row (`via`: a path followed further, e.g. "__parent")."""
        return self.rows.order_by().filter(**{f"{self.field}{via}": OuterRef("pk")}).values("pk")


def exists_any(branches: Iterable[QuerySet]) -> Q | None:
    """
    EXISTS a row in any of `branches` (querysets correlated to the outer row): one subquery, a UNION ALL
    of them, that stops at the first row found. Never one EXISTS per branch OR-ed together: PostgreSQL
    may answer each of those by hashing its whole table for every query, where this one is always
    index look-ups for the rows asked about. None when there are no branches.
    """
    first, *rest = list(branches) or [None]
    if first is None:
        return None
    return Q(Exists(first.union(*rest, all=True) if rest else first))


GrantRule = Callable[[object], Iterable[Source] | None]
HideRule = Callable[[object], Source | None]

_grants: dict[type[Model], list[GrantRule]] = {}
_hides: dict[type[Model], list[HideRule]] = {}


def registry() -> tuple:
    """Every rule registered now, hashable: a rule compiled under other rules (a test's) is not reused."""
    return tuple((model, tuple(rules)) for model, rules in _grants.items()) + tuple(
        (model, tuple(rules)) for model, rules in _hides.items()
    )


def grant(model: type[Model], rule: GrantRule) -> GrantRule:
    """Register `rule`: rows of `model` its sources point at are visible too (OR-ed with the model's own rule)."""
    rules = _grants.setdefault(model, [])
    if rule not in rules:
        rules.append(rule)
    return rule


def hide(model: type[Model], rule: HideRule) -> HideRule:
    """Register `rule`: rows of `model` it matches are not visible (whatever else says they are)."""
    rules = _hides.setdefault(model, [])
    if rule not in rules:
        rules.append(rule)
    return rule


def granted_sources(model: type[Model], user) -> list[Source] | None:
    """The sources the registered rules give `user` for `model`; None when no rule applies."""
    sources = None
    for rule in _grants.get(model, ()):
        given = rule(user)
        if given is not None:
            sources = (sources or []) + list(given)
    return sources


def granted_branches(model: type[Model], user, via: str = "") -> list[QuerySet]:
    """The registered rules' sources for `user`, each as rows pointing at the outer row (see `Source.pointing_at`)."""
    return [source.pointing_at(via) for source in granted_sources(model, user) or ()]


def granted(model: type[Model], user, via: str = "") -> Q | None:
    """The rows of `model` (or, with `via`, the rows reached from them) that registered rules let `user` see."""
    return exists_any(granted_branches(model, user, via))


def hidden(model: type[Model], user) -> list[Source]:
    """The sources of the registered rules that hide rows of `model` from `user` (those that apply)."""
    return [source for source in (rule(user) for rule in _hides.get(model, ())) if source is not None]


def without_hidden(queryset: QuerySet, user, *, correlated: bool = False) -> QuerySet:
    """
    `queryset` less the rows that registered rules hide from `user`: by default `NOT IN` the hiding
    rows (one hashed subquery per query: right for lists, whose joins stay few to plan);
    `correlated=True`, `NOT EXISTS` per row (right inside a subquery correlated to a few rows, such
    as a branch of `exists_any`, where hashing every hiding row for each branch costs more).
    """
    for source in hidden(queryset.model, user):
        if correlated:
            queryset = queryset.exclude(Exists(source.pointing_at()))
        else:
            queryset = queryset.exclude(pk__in=source.rows.order_by().values(source.field))
    return queryset


# --- A rule compiled once per audience -------------------------------------------------------------

_COMPILED: dict = {}


class CompiledRule(Expression):
    """
    `build()` (a Q on `model`'s rows, correlated to the row by its primary key), compiled to SQL once per
    `key`, database vendor and set of registered rules, and reused by every query after it. For a rule that
    depends on nothing but `key` (an audience: `core.pagecache.audience`): building and compiling a rule of
    some twenty branches cost more Python than the rest of a page. Only SQL is kept, never a row's value
    read at build time: the rule's parameters are the code's constants (the states an audience reads), so
    rows that change since are seen as they are now.

    The outer row is the one thing not fixed: the compiled clause names the model's table as the outer
    row, and each use puts in the row's column as that query aliases it (a subquery's "U0", a prefetch);
    the using query takes the rule's subqueries' alias prefixes as its own (as it would the rule built
    afresh), so that none of them hides the outer row's. So the rule may stand anywhere
    `model.objects.filter(build())` could.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, model: type[Model], key, build: Callable[[], Q], outer=None):
        super().__init__()
        self.model, self.key, self.build = model, key, build
        self.outer = F("pk") if outer is None else outer

    def __repr__(self):
        return f"{self.__class__.__name__}({self.model.__name__}, {self.key!r})"

    @property
    def identity(self):
        return (self.__class__, self.model, self.key, self.outer)

    def __eq__(self, other):
        return isinstance(other, CompiledRule) and self.identity == other.identity

    def __hash__(self):
        return hash(self.identity)

    def get_source_expressions(self):
        return [self.outer]

    def set_source_expressions(self, exprs):
        (self.outer,) = exprs

    def _rule(self):
        """The rule's query, built once: `model.objects.filter(build())`."""
        cache_key = (self.model, self.key, registry())
        if cache_key not in _COMPILED:
            _COMPILED[cache_key] = self.model._default_manager.filter(self.build()).query
        return _COMPILED[cache_key]

    def resolve_expression(self, query=None, *args, **kwargs):
        resolved = super().resolve_expression(query, *args, **kwargs)
        if query is not None:
            # The rule's subqueries keep the aliases they were compiled with ("U0", "V0"): the using query
            # takes them as its own subqueries', so that, made a subquery in turn, it takes an alias
            # prefix after them (Query.bump_prefix, as for any subquery), and none of them hides its row.
            query.subq_aliases = query.subq_aliases.union(self._rule().subq_aliases)
        return resolved

    def _compiled(self, connection) -> tuple[str, str, tuple] | type[Exception]:
        cache_key = (self.model, self.key, connection.vendor, registry())
        if cache_key not in _COMPILED:
            query = self._rule()
            quote = connection.ops.quote_name
            table = quote(query.get_initial_alias())
            outer = f"{table}.{quote(self.model._meta.pk.column)}"
            try:
                sql, params = query.get_compiler(connection=connection).compile(query.where)
            except (EmptyResultSet, FullResultSet) as every_or_no_row:  # raised again at each use, as Django would
                _COMPILED[cache_key] = type(every_or_no_row)
            else:
                # The table read again without an alias ("FROM t WHERE"): its column would be taken for the outer row's.
                if re.search(re.escape(table) + r"(?!\.| [A-Z]+[0-9]+\b)", sql):
                    raise ValueError(f"{self!r}: the rule reads {table} without an alias; it cannot be compiled.")
                # Only the outer row's key is put in at each use: a rule naming another of its columns cannot be.
                if re.search(re.escape(table) + r"\.", sql.replace(outer, "")):
                    raise ValueError(f"{self!r}: the rule names a column of the outer row other than its key.")
                _COMPILED[cache_key] = (sql, outer, tuple(params))
        return _COMPILED[cache_key]

    def as_sql(self, compiler, connection):
        compiled = self._compiled(connection)
        if isinstance(compiled, type):
            raise compiled
        rule = self._rule()
        if compiler.query.alias_prefix in rule.subq_aliases - {rule.alias_prefix}:
            raise ValueError(f"{self!r}: the using query's aliases are the rule's own.")
        sql, outer, params = compiled
        outer_sql, outer_params = compiler.compile(self.outer)
        if outer_params:  # a column, never a parameter: the clause may name it many times
            raise ValueError("A compiled rule's outer row must be a column.")
        # A where clause of several conditions comes in parentheses already (WhereNode.as_sql): the same SQL
        # as the rule built afresh.
        return sql.replace(outer, outer_sql), params
