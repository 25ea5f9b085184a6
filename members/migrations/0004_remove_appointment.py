"""Appointments are roles held now (0002); the decisions' links moved with them (decisions 0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_person_slug"),
    ]

    operations = [
        migrations.RemoveField(model_name="roleheld", name="carried_from_appointment"),
        migrations.RemoveField(model_name="historicalappointment", name="history_user"),
        migrations.RemoveField(model_name="historicalappointment", name="organisation"),
        migrations.RemoveField(model_name="historicalappointment", name="person"),
        migrations.DeleteModel(name="Appointment"),
        migrations.DeleteModel(name="HistoricalAppointment"),
    ]
