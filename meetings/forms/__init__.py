"""
The forms of the Secretariat's editing pages for meetings, one module per page: the record
(meeting, with the chair and a new occasion named on the spot), participants, agenda, postponing
(schedule), occasions, and the reasons the workflow asks for. The generic widgets are in
core.widgets, the time-zone lists in core.timezones.
"""

from meetings.forms.agenda import AgendaItemForm, AgendaOrderForm
from meetings.forms.meeting import MeetingForm
from meetings.forms.occasion import OccasionForm
from meetings.forms.participants import ADD_ROWS, ParticipationFormSet
from meetings.forms.reasons import CorrectionReasonForm, ReasonForm
from meetings.forms.schedule import RescheduleForm

__all__ = [
    "ADD_ROWS",
    "AgendaItemForm",
    "AgendaOrderForm",
    "CorrectionReasonForm",
    "MeetingForm",
    "OccasionForm",
    "ParticipationFormSet",
    "ReasonForm",
    "RescheduleForm",
]
