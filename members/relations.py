"""Reach the records of a higher app from a lower one, by relation name, through their access rule."""

from django.db import models


def visible_related(model: type[models.Model], relation: str, user) -> models.QuerySet:
    """
    The rows behind `model`'s relation `relation` that `user` may see, e.g.
    visible_related(Meeting, "decisions", user) is Decision.objects.visible_to(user).

    `members` and `meetings` never import the apps above them; Django's relation registry names
    the model instead, and its `visible_to` stays the one access rule.
    """
    return model._meta.get_field(relation).related_model.objects.visible_to(user)
