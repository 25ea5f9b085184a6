"""
Decisions say more than a verb: on the proposal of (an organisation or a person), concerning
(organisations, people), effective from (a date other than the meeting's). And they act on roles
held instead of appointments: each decision's links to appointments (and their history) move to the
roles held that members 0002 made of those appointments.
"""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


def appointment_links_to_roles(apps, schema_editor):
    Decision = apps.get_model("decisions", "Decision")
    RoleHeld = apps.get_model("members", "RoleHeld")
    HistoricalLink = apps.get_model("decisions", "HistoricalDecision_appointments")
    HistoricalRoleLink = apps.get_model("decisions", "HistoricalDecision_roles")
    role_of = dict(
        RoleHeld.objects.exclude(carried_from_appointment=None).values_list("carried_from_appointment", "pk")
    )
    Link = Decision.appointments.through
    RoleLink = Decision.roles.through
    RoleLink.objects.bulk_create(
        [
            RoleLink(decision_id=link.decision_id, roleheld_id=role_of[link.appointment_id])
            for link in Link.objects.order_by("pk")
            if link.appointment_id in role_of
        ],
        ignore_conflicts=True,
    )
    # What each historical version of a decision acted on, so its history still reads right.
    HistoricalRoleLink.objects.bulk_create(
        [
            HistoricalRoleLink(
                id=row.id, history_id=row.history_id, decision_id=row.decision_id, roleheld_id=role_of[row.appointment_id]
            )
            for row in HistoricalLink.objects.order_by("m2m_history_id")
            if row.appointment_id in role_of
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0003_search_indexes"),
        ("members", "0003_person_slug"),
    ]
    # Appointments are removed once their links have moved.
    run_before = [("members", "0004_remove_appointment")]

    operations = [
        migrations.CreateModel(
            name='HistoricalDecision_concerns_organisations',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalDecision_concerns_organisations',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalDecision_concerns_people',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalDecision_concerns_people',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalDecision_roles',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalDecision_roles',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='decision',
            name='concerns_organisations',
            field=models.ManyToManyField(blank=True, help_text="Organisations the decision is about, so that their pages and the register's filter find it.", related_name='decisions_concerning', to='members.organisation', verbose_name='concerns (organisations)'),
        ),
        migrations.AddField(
            model_name='decision',
            name='concerns_people',
            field=models.ManyToManyField(blank=True, related_name='decisions_concerning', to='members.person', verbose_name='concerns (people)'),
        ),
        migrations.AddField(
            model_name='decision',
            name='effective_from',
            field=models.DateField(blank=True, help_text="Only when it applies from another date than the meeting's (“the rules apply from 1 January”).", null=True, verbose_name='effective from'),
        ),
        migrations.AddField(
            model_name='decision',
            name='proposed_by_organisation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='decisions_proposed', to='members.organisation', verbose_name='on the proposal of (organisation)'),
        ),
        migrations.AddField(
            model_name='decision',
            name='proposed_by_person',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='decisions_proposed', to='members.person', verbose_name='on the proposal of (person)'),
        ),
        migrations.AddField(
            model_name='decision',
            name='roles',
            field=models.ManyToManyField(blank=True, related_name='decisions', to='members.roleheld', verbose_name='roles held'),
        ),
        migrations.AddField(
            model_name='historicaldecision',
            name='effective_from',
            field=models.DateField(blank=True, help_text="Only when it applies from another date than the meeting's (“the rules apply from 1 January”).", null=True, verbose_name='effective from'),
        ),
        migrations.AddField(
            model_name='historicaldecision',
            name='proposed_by_organisation',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='on the proposal of (organisation)'),
        ),
        migrations.AddField(
            model_name='historicaldecision',
            name='proposed_by_person',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.person', verbose_name='on the proposal of (person)'),
        ),
        migrations.AddConstraint(
            model_name='decision',
            constraint=models.CheckConstraint(condition=models.Q(('proposed_by_organisation__isnull', True), ('proposed_by_person__isnull', True), _connector='OR'), name='decision_one_proposer', violation_error_message='A decision is on the proposal of an organisation or of a person, not both.'),
        ),
        migrations.AddField(
            model_name='historicaldecision_concerns_organisations',
            name='decision',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='decisions.decision'),
        ),
        migrations.AddField(
            model_name='historicaldecision_concerns_organisations',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='decisions.historicaldecision'),
        ),
        migrations.AddField(
            model_name='historicaldecision_concerns_organisations',
            name='organisation',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation'),
        ),
        migrations.AddField(
            model_name='historicaldecision_concerns_people',
            name='decision',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='decisions.decision'),
        ),
        migrations.AddField(
            model_name='historicaldecision_concerns_people',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='decisions.historicaldecision'),
        ),
        migrations.AddField(
            model_name='historicaldecision_concerns_people',
            name='person',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.person'),
        ),
        migrations.AddField(
            model_name='historicaldecision_roles',
            name='decision',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='decisions.decision'),
        ),
        migrations.AddField(
            model_name='historicaldecision_roles',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='decisions.historicaldecision'),
        ),
        migrations.AddField(
            model_name='historicaldecision_roles',
            name='roleheld',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.roleheld'),
        ),
        migrations.RunPython(appointment_links_to_roles, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='historicaldecision_appointments',
            name='appointment',
        ),
        migrations.RemoveField(
            model_name='historicaldecision_appointments',
            name='decision',
        ),
        migrations.RemoveField(
            model_name='historicaldecision_appointments',
            name='history',
        ),
        migrations.RemoveField(
            model_name='decision',
            name='appointments',
        ),
        migrations.DeleteModel(
            name='HistoricalDecision_appointments',
        ),
    ]
