"""
The chair in the meeting form, and the hidden field that keeps two editors from undoing each other's
choice of chair: the chair is a row of the participants list, which others may change meanwhile on
the participants page (core.locking locks the meeting's own fields, not that row).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Participation
from meetings.services import chair_position_at_the_time
from members.forms import PersonChoiceField, people
from members.models import Person


class ChairFields(forms.Form):
    """
    The chair, their position at the time, and `chair_as_opened` (hidden): the chair when the form was
    opened. For the ModelForm of a meeting: call `check_chair_position(cleaned)` from its clean() once
    the meeting's start is known; `chair_value` and `chair_position_value` are then what to record.
    If this editor and someone else both changed the chair since the form was opened (to different
    people), the save is refused, naming the chair now; if this editor left it as opened, the chair
    stays whatever it is now.
    """

    chair = PersonChoiceField(
        label=_("Chair"),
        queryset=people(),
        required=False,
        help_text=_("Recorded as the participant with the chair role. Add new people on the participants page."),
    )
    chair_position = forms.CharField(
        label=_("Chair's position at the time"),
        max_length=300,
        required=False,
        help_text=_(
            "Leave empty to take the position recorded at the chair's latest earlier meeting (for a meeting to "
            "come, their current position). You are asked when no earlier meeting records it."
        ),
    )
    # The chair's person id when the form was opened ("" for none).
    chair_as_opened = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        if meeting.pk:
            chair = meeting.participations.filter(role=Participation.Role.CHAIR).order_by("order", "id").first()
            self.initial.setdefault("chair", chair.person_id if chair else None)
            self.initial.setdefault("chair_position", chair.position if chair else "")
            self.initial["chair_as_opened"] = str(chair.person_id) if chair and chair.person_id else ""

    def check_chair_position(self, cleaned) -> None:
        """Ask for the chair's position (beside the field) when nothing on record says it."""
        person = cleaned.get("chair")
        if person is None or self.chair_position_value or self.instance.start is None:
            return
        if self.chair_value is False:
            return
        current = None
        if self.instance.pk:
            current = self.instance.participations.filter(role=Participation.Role.CHAIR, person=person).first()
        if current is not None and current.position:
            return
        if not chair_position_at_the_time(meeting=self.instance, person=person):
            probe = Participation(meeting=self.instance, person=person)
            self.add_error("chair_position", probe.position_missing_message())

    def clean_chair(self):
        chair = self.cleaned_data.get("chair")
        opened, now = self._chair_as_opened(), self.initial.get("chair")
        chosen = chair.pk if chair else None
        if opened is not False and chosen != opened and now != opened and chosen != now:
            # Both this editor and someone else (on the participants page) changed the chair.
            current = Person.objects.filter(pk=now).first() if now else None
            data = self.data.copy()
            data[self.add_prefix("chair_as_opened")] = str(now or "")
            self.data = data
            raise forms.ValidationError(
                _(
                    "Someone else made %(chair)s the chair after you opened the form. Choose again, or save "
                    "to keep yours."
                )
                % {"chair": current or _("no one")}
            )
        return chair

    def _chair_as_opened(self):
        """The chair's person id when the form was opened (None: no chair), or False if not posted."""
        key = self.add_prefix("chair_as_opened")
        if not self.instance.pk or key not in self.data:
            return False
        value = self.data.get(key) or ""
        return int(value) if value.isdigit() else None

    @property
    def chair_value(self):
        """
        The chair to record: False to leave the chair as it is — when this editor changed neither the
        chair nor their position since the form was opened (someone else may have changed the chair
        meanwhile, on the participants page).
        """
        chair = self.cleaned_data.get("chair")
        position_changed = "chair_position" in self.changed_data
        opened = self._chair_as_opened()
        if opened is not False:
            if (chair.pk if chair else None) != opened:
                return chair
            # The chair as opened is kept. Their position matters only if there is one and it is still
            # theirs (if someone else changed the chair meanwhile, the position was compared with the
            # new chair's, not with what this editor saw).
            if chair is None or self.initial.get("chair") != opened:
                return False
            return chair if position_changed else False
        if self.instance.pk and "chair" not in self.changed_data and not position_changed:
            return False
        return self.cleaned_data.get("chair")

    @property
    def chair_position_value(self) -> str:
        """The position typed for the chair; "" to look it up (also when another chair was picked and the
        position shown was the previous chair's)."""
        if self.instance.pk and "chair" in self.changed_data and "chair_position" not in self.changed_data:
            return ""
        return (self.cleaned_data.get("chair_position") or "").strip()
