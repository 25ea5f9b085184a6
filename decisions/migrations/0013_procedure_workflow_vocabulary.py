"""
One workflow vocabulary (core.workflow.WorkflowRecord): a written procedure's record state is `status`, as a
meeting's (draft, circulated, published; it was `record_status`), and its consultation's steps are `stage`
(draft, open, closed, withdrawn; it was `status`). Renames only: every row keeps its values.
"""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0012_procedure_answer_version"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="writtenprocedure", name="procedure_withdrawn_with_reason"),
        migrations.RemoveConstraint(model_name="writtenprocedure", name="procedure_published_once_over"),
        migrations.RemoveIndex(model_name="writtenprocedure", name="procedure_status_deadline_idx"),
        migrations.RenameField(model_name="writtenprocedure", old_name="status", new_name="stage"),
        migrations.RenameField(model_name="writtenprocedure", old_name="record_status", new_name="status"),
        migrations.RenameField(model_name="historicalwrittenprocedure", old_name="status", new_name="stage"),
        migrations.RenameField(model_name="historicalwrittenprocedure", old_name="record_status", new_name="status"),
        migrations.AlterField(
            model_name="historicalwrittenprocedure",
            name="stage",
            field=models.CharField(
                choices=[("draft", "Draft"), ("open", "Open"), ("closed", "Closed"), ("withdrawn", "Withdrawn")],
                default="draft",
                max_length=10,
                verbose_name="stage",
            ),
        ),
        migrations.AlterField(
            model_name="historicalwrittenprocedure",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("circulated", "Circulated"), ("published", "Published")],
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="writtenprocedure",
            name="stage",
            field=models.CharField(
                choices=[("draft", "Draft"), ("open", "Open"), ("closed", "Closed"), ("withdrawn", "Withdrawn")],
                default="draft",
                max_length=10,
                verbose_name="stage",
            ),
        ),
        migrations.AlterField(
            model_name="writtenprocedure",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("circulated", "Circulated"), ("published", "Published")],
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AddIndex(
            model_name="writtenprocedure",
            index=models.Index(fields=["stage", "deadline"], name="procedure_stage_deadline_idx"),
        ),
        migrations.AddConstraint(
            model_name="writtenprocedure",
            constraint=models.CheckConstraint(
                condition=~Q(stage="withdrawn") | ~Q(withdrawn_reason=""),
                name="procedure_withdrawn_with_reason",
                violation_error_message="Say why the procedure is withdrawn.",
            ),
        ),
        migrations.AddConstraint(
            model_name="writtenprocedure",
            constraint=models.CheckConstraint(
                condition=~Q(status="published") | Q(stage__in=["closed", "withdrawn"]),
                name="procedure_published_once_over",
                violation_error_message="Only the outcome of a closed or withdrawn procedure can be published.",
            ),
        ),
    ]
