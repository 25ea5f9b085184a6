"""
Roles held over time, by people and organisations: posts (data, seeded here) and the roles held in
them. Every appointment becomes a role held: its post matched to a seeded post by name however
written ("Head of IISG Secretariat" is "Head of the IISG Secretariat"), or a new post; the person
who held it, the organisation of the post as the organisation they represented; its history kept.
The decisions that made them follow in decisions' migration (0004), which reads
`carried_from_appointment` to find each one; members 0004 then removes appointments.
"""

import re

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

# name: (who may hold it, per pillar, order)
POSTS = {
    "Head of the IISG Secretariat": ("person", False, 10),
    "Chair of the Support Group": ("either", False, 20),
    "Host of the IISG Secretariat": ("organisation", False, 30),
    "Host of the Support Group": ("organisation", False, 40),
    "Lead partner of a pillar": ("organisation", True, 50),
    "Co-lead partner of a pillar": ("organisation", True, 60),
}


def normalised(name: str) -> str:
    """As Post.normalised: lower case, without articles and extra spaces."""
    words = re.sub(r"[^\w*]+", " ", name.lower()).split()
    return " ".join(word for word in words if word not in ("the", "a", "an"))


def seed_posts(apps, schema_editor):
    Post = apps.get_model("members", "Post")
    for name, (holder, per_pillar, order) in POSTS.items():
        Post.objects.get_or_create(name=name, defaults={"holder": holder, "per_pillar": per_pillar, "order": order})


def post_for(Post, name: str, cache: dict):
    """The post an appointment's free-text post names: a seeded one if the names match, else a new one."""
    wanted = normalised(name)
    if wanted not in cache:
        existing = next((post for post in Post.objects.all() if normalised(post.name) == wanted), None)
        if existing is None:
            last = Post.objects.order_by("-order").values_list("order", flat=True).first() or 0
            existing = Post.objects.create(name=name.strip()[:200] or "Post", holder="either", order=last + 10)
        cache[wanted] = existing
    return cache[wanted]


def appointments_to_roles(apps, schema_editor):
    Post = apps.get_model("members", "Post")
    Appointment = apps.get_model("members", "Appointment")
    HistoricalAppointment = apps.get_model("members", "HistoricalAppointment")
    RoleHeld = apps.get_model("members", "RoleHeld")
    HistoricalRoleHeld = apps.get_model("members", "HistoricalRoleHeld")
    posts: dict = {}
    roles = {}
    for appointment in Appointment.objects.order_by("pk"):
        roles[appointment.pk] = RoleHeld.objects.create(
            post=post_for(Post, appointment.post, posts),
            person_id=appointment.person_id,
            represented_id=appointment.organisation_id,
            kind=appointment.kind,
            start=appointment.start,
            end=appointment.end,
            note=appointment.note,
            carried_from_appointment=appointment.pk,
        )
    # The history of each appointment becomes the history of its role (who changed what, when).
    for row in HistoricalAppointment.objects.filter(id__in=list(roles)).order_by("history_date", "history_id"):
        HistoricalRoleHeld.objects.create(
            id=roles[row.id].pk,
            post_id=post_for(Post, row.post, posts).pk,
            person_id=row.person_id,
            represented_id=row.organisation_id,
            kind=row.kind,
            start=row.start,
            end=row.end,
            note=row.note,
            history_date=row.history_date,
            history_change_reason=row.history_change_reason,
            history_type=row.history_type,
            history_user_id=row.history_user_id,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Post',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='For example "Host of the Support Group".', max_length=200, unique=True, verbose_name='name')),
                ('holder', models.CharField(choices=[('person', 'A person'), ('organisation', 'An organisation'), ('either', 'A person or an organisation')], default='either', max_length=20, verbose_name='who may hold it')),
                ('per_pillar', models.BooleanField(default=False, help_text='Held for one pillar at a time (lead and co-lead partners).', verbose_name='per pillar')),
                ('order', models.PositiveSmallIntegerField(default=0, help_text='Lower comes first in lists.', verbose_name='order')),
            ],
            options={
                'verbose_name': 'post',
                'verbose_name_plural': 'posts',
                'ordering': ['order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalPost',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, help_text='For example "Host of the Support Group".', max_length=200, verbose_name='name')),
                ('holder', models.CharField(choices=[('person', 'A person'), ('organisation', 'An organisation'), ('either', 'A person or an organisation')], default='either', max_length=20, verbose_name='who may hold it')),
                ('per_pillar', models.BooleanField(default=False, help_text='Held for one pillar at a time (lead and co-lead partners).', verbose_name='per pillar')),
                ('order', models.PositiveSmallIntegerField(default=0, help_text='Lower comes first in lists.', verbose_name='order')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical post',
                'verbose_name_plural': 'historical posts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='RoleHeld',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('appointment', 'Appointment'), ('extension', 'Extension of mandate')], default='appointment', max_length=20, verbose_name='kind')),
                ('start', models.DateField(blank=True, help_text='Empty when not on record.', null=True, verbose_name='from')),
                ('start_precision', models.CharField(choices=[('day', 'Day'), ('month', 'Month'), ('year', 'Year')], default='day', max_length=5, verbose_name='from: known to the')),
                ('end', models.DateField(blank=True, help_text='Empty while the role lasts.', null=True, verbose_name='until')),
                ('end_precision', models.CharField(choices=[('day', 'Day'), ('month', 'Month'), ('year', 'Year')], default='day', max_length=5, verbose_name='until: known to the')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='version')),
                # Which appointment the role was carried over from (removed again by 0004).
                ('carried_from_appointment', models.IntegerField(null=True, editable=False)),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='roles_held', to='members.organisation', verbose_name='held by (organisation)')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='roles_held', to='members.person', verbose_name='held by (person)')),
                ('pillar', models.ForeignKey(blank=True, help_text='Only for a post held per pillar.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='roles_held', to='members.pillar', verbose_name='pillar')),
                ('post', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='roles', to='members.post', verbose_name='post')),
                ('proposed_by_organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='roles_proposed', to='members.organisation', verbose_name='proposed by (organisation)')),
                ('proposed_by_person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='roles_proposed', to='members.person', verbose_name='proposed by (person)')),
                ('represented', models.ForeignKey(blank=True, help_text='For a person: the organisation they held the post for, if any.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='roles_of_representatives', to='members.organisation', verbose_name='organisation represented')),
            ],
            options={
                'verbose_name': 'role held',
                'verbose_name_plural': 'roles held',
                'ordering': ['post__order', 'post__name', '-start', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalRoleHeld',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('kind', models.CharField(choices=[('appointment', 'Appointment'), ('extension', 'Extension of mandate')], default='appointment', max_length=20, verbose_name='kind')),
                ('start', models.DateField(blank=True, help_text='Empty when not on record.', null=True, verbose_name='from')),
                ('start_precision', models.CharField(choices=[('day', 'Day'), ('month', 'Month'), ('year', 'Year')], default='day', max_length=5, verbose_name='from: known to the')),
                ('end', models.DateField(blank=True, help_text='Empty while the role lasts.', null=True, verbose_name='until')),
                ('end_precision', models.CharField(choices=[('day', 'Day'), ('month', 'Month'), ('year', 'Year')], default='day', max_length=5, verbose_name='until: known to the')),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='held by (organisation)')),
                ('person', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.person', verbose_name='held by (person)')),
                ('pillar', models.ForeignKey(blank=True, db_constraint=False, help_text='Only for a post held per pillar.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.pillar', verbose_name='pillar')),
                ('proposed_by_organisation', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='proposed by (organisation)')),
                ('proposed_by_person', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.person', verbose_name='proposed by (person)')),
                ('represented', models.ForeignKey(blank=True, db_constraint=False, help_text='For a person: the organisation they held the post for, if any.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.organisation', verbose_name='organisation represented')),
                ('post', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='members.post', verbose_name='post')),
            ],
            options={
                'verbose_name': 'historical role held',
                'verbose_name_plural': 'historical roles held',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddIndex(
            model_name='roleheld',
            index=models.Index(fields=['post', 'pillar', 'end'], name='role_held_post_pillar_end_idx'),
        ),
        migrations.AddConstraint(
            model_name='roleheld',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('organisation__isnull', True), ('person__isnull', False)), models.Q(('organisation__isnull', False), ('person__isnull', True)), _connector='OR'), name='role_held_by_a_person_or_an_organisation', violation_error_message='A role is held by a person or by an organisation: name exactly one.'),
        ),
        migrations.AddConstraint(
            model_name='roleheld',
            constraint=models.CheckConstraint(condition=models.Q(('end__isnull', True), ('start__isnull', True), ('end__gte', models.F('start')), _connector='OR'), name='role_held_end_not_before_start', violation_error_message='A role cannot end before it starts.'),
        ),
        migrations.AddConstraint(
            model_name='roleheld',
            constraint=models.CheckConstraint(condition=models.Q(('proposed_by_organisation__isnull', True), ('proposed_by_person__isnull', True), _connector='OR'), name='role_held_one_proposer', violation_error_message='A role is proposed by an organisation or by a person, not both.'),
        ),
        migrations.RunPython(seed_posts, migrations.RunPython.noop),
        migrations.RunPython(appointments_to_roles, migrations.RunPython.noop),
    ]
