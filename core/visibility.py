"""
Who may see which rows, across the layers, by registration rather than by name.

Each model's `visible_to(user)` QuerySet method is its one access rule. Some rules depend on the
apps above it: an organisation is seen by whoever may see a meeting it took part in (`meetings`);
a membership created by a decision of an unreleased meeting is hidden (`decisions`). The lower app
cannot name those apps, so the higher app registers the rule here, in its AppConfig.ready():

    visibility.grant(Organisation, took_part_in_visible_meeting)   # adds rows the user may see
    visibility.hide(Membership, made_by_unreleased_decision)       # removes rows

A rule takes the user and returns a Q on the lower model, or None when it does not apply to that
user (so that the Secretariat, who sees everything, builds no subquery at all). The lower model's
`visible_to` combines its own rule with `granted(...)` and `hidden(...)`. Rules are looked up by
model class, never by name.
"""

from collections.abc import Callable

from django.db.models import Model, Q, QuerySet

Rule = Callable[[object], Q | None]

_grants: dict[type[Model], list[Rule]] = {}
_hides: dict[type[Model], list[Rule]] = {}


def grant(model: type[Model], rule: Rule) -> Rule:
    """Register `rule`: rows of `model` it matches are visible too (OR-ed with the model's own rule)."""
    rules = _grants.setdefault(model, [])
    if rule not in rules:
        rules.append(rule)
    return rule


def hide(model: type[Model], rule: Rule) -> Rule:
    """Register `rule`: rows of `model` it matches are not visible (whatever else says they are)."""
    rules = _hides.setdefault(model, [])
    if rule not in rules:
        rules.append(rule)
    return rule


def granted(model: type[Model], user) -> Q | None:
    """The rows of `model` that registered rules let `user` see, OR-ed; None when no rule applies."""
    return _any(rule(user) for rule in _grants.get(model, ()))


def hidden(model: type[Model], user) -> list[Q]:
    """The conditions of the registered rules that hide rows of `model` from `user` (those that apply)."""
    return [condition for condition in (rule(user) for rule in _hides.get(model, ())) if condition is not None]


def without_hidden(queryset: QuerySet, user) -> QuerySet:
    """`queryset` less the rows that registered rules hide from `user`."""
    for condition in hidden(queryset.model, user):
        # One exclude() per rule: each is its own NOT (subquery) over a multi-valued relation.
        queryset = queryset.exclude(condition)
    return queryset


def _any(conditions) -> Q | None:
    combined = None
    for condition in conditions:
        if condition is not None:
            combined = condition if combined is None else combined | condition
    return combined
