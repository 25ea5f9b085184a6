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
        changes = {"schedule_sequence": meeting.reschedule_count}
        if meeting.start > meeting.first_announced:
            changes["schedule_status"] = "postponed"
        # A queryset update: no history entry, no version count: the record itself did not change.
        Meeting.objects.filter(pk=meeting.pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_occasion_counts_precision_announcement")]

    operations = [migrations.RunPython(schedule_from_reschedules, migrations.RunPython.noop)]
