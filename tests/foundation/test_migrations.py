"""
The data migrations of issue 10 carry existing records forward, run for real (MigrationExecutor) from
the schema before them: appointments become roles held (their decisions' links and history with
them), document kinds become rows, people get unique web addresses.
"""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.migration_data import restore_migration_data

BEFORE = [("members", "0001_initial"), ("meetings", "0002_search_indexes"), ("decisions", "0003_search_indexes")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def migrator(transactional_db):
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    yield migrate
    # Whatever happened, leave the database at the latest schema with its migration data.
    migrate(leaves)
    restore_migration_data()


def test_appointments_become_roles_held_and_kinds_become_rows(migrator):
    old = migrator(BEFORE)
    Organisation = old.get_model("members", "Organisation")
    Person = old.get_model("members", "Person")
    Appointment = old.get_model("members", "Appointment")
    HistoricalAppointment = old.get_model("members", "HistoricalAppointment")
    Meeting = old.get_model("meetings", "Meeting")
    Decision = old.get_model("decisions", "Decision")
    Document = old.get_model("decisions", "Document")
    HistoricalDocument = old.get_model("decisions", "HistoricalDocument")

    secretariat = Organisation.objects.create(name="IISG Secretariat", slug="iisg-secretariat")
    head = Person.objects.create(honorific="Mr", name="Ana Example", organisation=secretariat)
    namesake = Person.objects.create(name="Ana Example")
    envoy = Person.objects.create(name="Bora Envoy")
    extension = Appointment.objects.create(
        person=head,
        post="Head of IISG Secretariat",
        organisation=secretariat,
        kind="extension",
        start=dt.date(2022, 6, 20),
        note="Extended by the Board.",
    )
    other = Appointment.objects.create(person=envoy, post="Special envoy for the pillars")
    HistoricalAppointment.objects.create(
        id=extension.pk,
        person_id=head.pk,
        post="Head of IISG Secretariat",
        organisation_id=secretariat.pk,
        kind="appointment",
        note="",
        history_date=dt.datetime(2022, 6, 21, tzinfo=dt.UTC),
        history_type="+",
    )
    start = dt.datetime(2022, 6, 20, 8, tzinfo=dt.UTC)
    meeting = Meeting.objects.create(
        kind="board", ordinal=6, title="6th Board", slug="6th-board", start=start, end=start, status="published"
    )
    decision = Decision.objects.create(
        meeting=meeting, reference="B6/2022/08", sequence=8, verb="approved", subject="Mandate extended"
    )
    decision.appointments.add(extension)
    mapping = Document.objects.create(title="Needs mapping", slug="needs-mapping", kind="needs_mapping")
    plan = Document.objects.create(title="Work plan", slug="work-plan", kind="work_plan")
    annex = Document.objects.create(title="Annex", slug="annex", kind="annex_table")
    HistoricalDocument.objects.create(
        id=plan.pk,
        title="Work plan",
        slug="work-plan",
        kind="work_plan",
        created_at=dt.datetime(2022, 6, 21, tzinfo=dt.UTC),
        history_date=dt.datetime(2022, 6, 21, tzinfo=dt.UTC),
        history_type="+",
    )

    new = migrator(MigrationExecutor(connection).loader.graph.leaf_nodes())
    RoleHeld = new.get_model("members", "RoleHeld")
    HistoricalRoleHeld = new.get_model("members", "HistoricalRoleHeld")
    Post = new.get_model("members", "Post")

    # The appointment is a role held in the seeded post, whatever the wording of its post.
    role = RoleHeld.objects.get(person_id=head.pk)
    assert role.post.name == "Head of the IISG Secretariat"
    assert (role.kind, role.start, role.end, role.represented_id, role.organisation_id, role.note) == (
        "extension",
        dt.date(2022, 6, 20),
        None,
        secretariat.pk,
        None,
        "Extended by the Board.",
    )
    # A post no seeded one matches becomes a post of its own.
    assert RoleHeld.objects.get(person_id=envoy.pk).post.name == "Special envoy for the pillars"
    assert Post.objects.filter(name="Special envoy for the pillars").count() == 1
    assert RoleHeld.objects.count() == 2
    assert other.pk  # both carried forward
    # The decision now acts on the role; its history too.
    NewDecision = new.get_model("decisions", "Decision")
    assert list(NewDecision.objects.get(pk=decision.pk).roles.values_list("pk", flat=True)) == [role.pk]
    history = HistoricalRoleHeld.objects.get(id=role.pk)
    assert (history.history_type, history.kind, history.post_id) == ("+", "appointment", role.post_id)
    # Every seeded post is there.
    assert set(Post.objects.values_list("name", flat=True)) >= {
        "Head of the IISG Secretariat",
        "Chair of the Support Group",
        "Host of the IISG Secretariat",
        "Host of the Support Group",
        "Lead partner of a pillar",
        "Co-lead partner of a pillar",
    }

    # Document kinds are rows: the old values mapped to the seeded kinds, an unknown one made a kind.
    NewDocument = new.get_model("decisions", "Document")
    kinds = dict(NewDocument.objects.values_list("title", "kind__slug"))
    assert kinds == {"Needs mapping": "needs-mapping", "Work plan": "work-plan", "Annex": "annex-table"}
    assert NewDocument.objects.get(pk=annex.pk).kind.name == "Annex table"
    assert NewDocument.objects.get(pk=mapping.pk).kind.name == "Needs mapping"
    NewHistoricalDocument = new.get_model("decisions", "HistoricalDocument")
    assert NewHistoricalDocument.objects.get(id=plan.pk).kind.slug == "work-plan"
    DocumentKind = new.get_model("decisions", "DocumentKind")
    assert set(DocumentKind.objects.values_list("name", flat=True)) >= {
        "Needs mapping",
        "Response mapping",
        "Methodology",
        "Work plan",
        "Report",
        "Terms of reference",
        "Rules of procedure",
        "Strategy",
        "Other",
    }

    # Every person has a web address of their own.
    NewPerson = new.get_model("members", "Person")
    slugs = dict(NewPerson.objects.values_list("pk", "slug"))
    assert slugs == {head.pk: "ana-example", namesake.pk: "ana-example-2", envoy.pk: "bora-envoy"}


def test_procedure_effects_become_data(migrator):
    """0014: each procedure's effect columns (and its organisations to admit) become one stored effect."""
    old = migrator([("decisions", "0013_procedure_workflow_vocabulary")])
    Organisation = old.get_model("members", "Organisation")
    Person = old.get_model("members", "Person")
    Post = old.get_model("members", "Post")
    Pillar = old.get_model("members", "Pillar")
    Document = old.get_model("decisions", "Document")
    DocumentKind = old.get_model("decisions", "DocumentKind")
    WrittenProcedure = old.get_model("decisions", "WrittenProcedure")
    HistoricalWrittenProcedure = old.get_model("decisions", "HistoricalWrittenProcedure")

    newland = Organisation.objects.create(name="Newland", slug="newland")
    head = Person.objects.create(name="Hana Head", slug="hana-head")
    post = Post.objects.create(name="Special envoy")
    pillar = Pillar.objects.create(code="WBCTi", name="Counter-terrorism")
    kind = DocumentKind.objects.create(slug="plan-kind", name="Plan kind")
    plan = Document.objects.create(title="Work plan", slug="work-plan", kind=kind)
    deadline = dt.datetime(2026, 3, 10, 16, tzinfo=dt.UTC)

    def procedure(reference, **columns):
        return WrittenProcedure.objects.create(
            reference=reference,
            slug=reference.lower().replace("/", "-"),
            title=reference,
            text="T",
            deadline=deadline,
            **columns,
        )

    documents = procedure("WP/2026/01", effect="documents")
    documents.documents.set([plan])
    admit = procedure("WP/2026/02", effect="admit", admit_category="observer")
    admit.admit_organisations.set([newland])
    extend = procedure(
        "WP/2026/03", effect="extend", post=post, role_person=head, role_pillar=pillar, role_end=dt.date(2028, 6, 30)
    )
    plain = procedure("WP/2026/04", effect="")
    HistoricalWrittenProcedure.objects.create(
        id=extend.pk,
        reference="WP/2026/03",
        slug="wp-2026-03",
        title="T",
        text="T",
        deadline=deadline,
        effect="appoint",
        post_id=post.pk,
        role_organisation_id=newland.pk,
        kind="silence",
        verb="adopted",
        stage="draft",
        status="draft",
        created_at=deadline,
        history_date=deadline,
        history_type="+",
    )

    new = migrator(MigrationExecutor(connection).loader.graph.leaf_nodes())
    NewProcedure = new.get_model("decisions", "WrittenProcedure")
    stored = dict(NewProcedure.objects.values_list("reference", "effect"))
    assert stored["WP/2026/01"] == {"kind": "documents", "data": {"documents": [plan.pk], "new_document": None}}
    assert stored["WP/2026/02"] == {
        "kind": "admit",
        "data": {"organisations": [newland.pk], "category": "observer", "since": None, "new_organisations": []},
    }
    assert stored["WP/2026/03"]["kind"] == "role"
    assert {
        key: stored["WP/2026/03"]["data"][key] for key in ("post", "person", "organisation", "pillar", "kind", "end")
    } == {
        "post": post.pk,
        "person": head.pk,
        "organisation": None,
        "pillar": pillar.pk,
        "kind": "extension",
        "end": "2028-06-30",
    }
    assert stored["WP/2026/04"] == {}
    assert plain.pk
    # The history row keeps its time's effect.
    history = new.get_model("decisions", "HistoricalWrittenProcedure").objects.get(id=extend.pk)
    assert (history.effect["kind"], history.effect["data"]["kind"], history.effect["data"]["organisation"]) == (
        "role",
        "appointment",
        newland.pk,
    )

    # The data is what decisions.effects reads (with the live models).
    from decisions import effects

    applied = effects.from_stored(stored["WP/2026/03"])
    assert (applied.person.pk, applied.kind, applied.end) == (head.pk, "extension", dt.date(2028, 6, 30))
