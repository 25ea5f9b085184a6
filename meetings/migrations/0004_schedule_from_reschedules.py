"""
Carry the existing reschedules forward: each already counted as a new version of the calendar event
(SEQUENCE was the number of reschedules), so the stored sequence starts there and never goes back;
a meeting now later than the dates first announced reads "Postponed".
"""

from django.db import migrations
from django.db.models import Count, Min


def schedule_from_reschedules(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    meetings = Meeting.objects.annotate(reschedule_count=Count("reschedules"), first_announced=Min("reschedules__previous_start"))
    for meeting in meetings.filter(reschedule_count__gt=0):
        meeting.schedule_sequence = meeting.reschedule_count
        if meeting.start > meeting.first_announced:
            meeting.schedule_status = "postponed"
        # update_fields: no history entry, no version count: the record itself did not change.
        meeting.save(update_fields=["schedule_sequence", "schedule_status"])


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_occasion_counts_precision_announcement")]

    operations = [migrations.RunPython(schedule_from_reschedules, migrations.RunPython.noop)]
