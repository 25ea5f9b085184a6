"""
A written procedure stores its effect as data (decisions.effects): {"kind": …, "data": {…}} in one
JSON field, instead of one column per field of every effect. Existing procedures' effects are carried
over (their history rows too), then the old columns and the admit_organisations relation go.

  documents → {"kind": "documents", "data": {"documents": [the documents concerned], "new_document": None}}
  admit     → {"kind": "admit", "data": {"organisations": […], "category": …, "since": None, "new_organisations": []}}
  appoint   → {"kind": "role", "data": {"post": …, "person": …, "organisation": …, "pillar": …,
                "kind": "appointment", "end": ISO date, …}}; extend: the same with "kind": "extension"
  ""        → {}
"""

from django.db import migrations, models

OLD_FIELDS = ["admit_category", "post", "role_end", "role_organisation", "role_person", "role_pillar"]


def effect_data(procedure, documents: list[int], admitted: list[int]) -> dict:
    """The stored effect of a procedure with the old columns (a row of either table)."""
    kind = procedure.effect
    if kind == "documents":
        return {"kind": "documents", "data": {"documents": documents, "new_document": None}}
    if kind == "admit":
        return {
            "kind": "admit",
            "data": {
                "organisations": admitted,
                "category": procedure.admit_category,
                "since": None,
                "new_organisations": [],
            },
        }
    if kind in ("appoint", "extend"):
        return {
            "kind": "role",
            "data": {
                "post": procedure.post_id,
                "person": procedure.role_person_id,
                "represented": None,
                "organisation": procedure.role_organisation_id,
                "pillar": procedure.role_pillar_id,
                "kind": "extension" if kind == "extend" else "appointment",
                "start": None,
                "start_precision": "day",
                "end": procedure.role_end.isoformat() if procedure.role_end else None,
                "end_precision": "day",
                "note": "",
                # As before: the term started on the closing date.
                "start_on_decision": True,
            },
        }
    return {}


def forwards(apps, schema_editor):
    WrittenProcedure = apps.get_model("decisions", "WrittenProcedure")
    HistoricalWrittenProcedure = apps.get_model("decisions", "HistoricalWrittenProcedure")
    documents, admitted = {}, {}
    for procedure in WrittenProcedure.objects.exclude(effect="").prefetch_related("documents", "admit_organisations"):
        documents[procedure.pk] = sorted(document.pk for document in procedure.documents.all())
        admitted[procedure.pk] = sorted(organisation.pk for organisation in procedure.admit_organisations.all())
        # update(): a step of the schema, not an edit (no signal, no new history row).
        WrittenProcedure.objects.filter(pk=procedure.pk).update(
            effect_data=effect_data(procedure, documents[procedure.pk], admitted[procedure.pk])
        )
    # A history row keeps the columns of its time; its lists are the procedure's as migrated.
    for row in HistoricalWrittenProcedure.objects.exclude(effect=""):
        HistoricalWrittenProcedure.objects.filter(pk=row.pk).update(
            effect_data=effect_data(row, documents.get(row.id, []), admitted.get(row.id, []))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0013_procedure_workflow_vocabulary"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name=model,
                name="effect_data",
                field=models.JSONField(blank=True, default=dict, verbose_name="effect"),
            )
            for model in ("writtenprocedure", "historicalwrittenprocedure")
        ],
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
        *[
            migrations.RemoveField(model_name=model, name=name)
            for model in ("historicalwrittenprocedure", "writtenprocedure")
            for name in [*OLD_FIELDS, "effect"]
        ],
        migrations.RemoveField(model_name="writtenprocedure", name="admit_organisations"),
        migrations.DeleteModel(name="HistoricalWrittenProcedure_admit_organisations"),
        *[
            migrations.RenameField(model_name=model, old_name="effect_data", new_name="effect")
            for model in ("writtenprocedure", "historicalwrittenprocedure")
        ],
    ]
