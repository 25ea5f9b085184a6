from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import PortalAdmin, PortalStackedInline, PortalTabularInline
from core.locking import OptimisticLockAdminMixin, OptimisticLockInlineMixin
from decisions import effects
from decisions.models import (
    ActionItem,
    Decision,
    Document,
    DocumentFile,
    DocumentKind,
    ProcedureAnswer,
    ProgressNote,
    WrittenProcedure,
)

# Each inline takes at most max_num rows (core/inlines.py, core.admin): far more than its record
# has, far fewer than a forged post asks for.


class DecisionInline(OptimisticLockInlineMixin, PortalStackedInline):
    """A meeting's decisions, inline in the meeting's admin (which the site layer puts together: portal/admin.py)."""

    model = Decision
    extra = 0
    max_num = 100  # decisions of one meeting: about ten
    fields = [("sequence", "reference", "verb"), "agenda_item", "subject", "wording"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the agenda items of the meeting being edited.
        if db_field.name == "agenda_item":
            meeting_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = db_field.related_model.objects.filter(meeting_id=meeting_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ActionItemInline(OptimisticLockInlineMixin, PortalTabularInline):
    model = ActionItem
    extra = 0
    max_num = 50  # follow-up actions of one decision
    fields = ["description", "owner_organisation", "owner_person", "due_date", "status"]
    autocomplete_fields = ["owner_organisation", "owner_person"]
    show_change_link = True


class DocumentFileInline(PortalTabularInline):
    model = DocumentFile
    extra = 0
    max_num = 50  # files and versions of one document
    fields = ["number", "file", "original_name", "size", "content_type", "uploaded_at", "uploaded_by"]
    readonly_fields = ["size", "content_type", "uploaded_at", "uploaded_by"]


@admin.register(DocumentKind)
class DocumentKindAdmin(PortalAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Document)
class DocumentAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["title", "kind", "period", "created_at"]
    list_filter = ["kind", "pillars", "period_start"]
    search_fields = ["title", "description", "kind__name"]
    autocomplete_fields = ["kind"]
    list_select_related = ["kind"]
    filter_horizontal = ["pillars"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [DocumentFileInline]


@admin.register(DocumentFile)
class DocumentFileAdmin(PortalAdmin):
    list_display = ["document", "number", "original_name", "size", "uploaded_at", "uploaded_by"]
    search_fields = ["document__title", "original_name"]
    autocomplete_fields = ["document"]
    date_hierarchy = "uploaded_at"
    list_select_related = ["document", "uploaded_by"]


@admin.register(Decision)
class DecisionAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["reference", "verb", "subject", "meeting", "procedure", "agenda_item"]
    list_filter = [
        "verb",
        ("procedure", admin.EmptyFieldListFilter),
        "meeting__kind",
        "meeting__status",
        "documents__pillars",
        ("effective_from", admin.EmptyFieldListFilter),
    ]
    search_fields = ["reference", "subject", "wording", "meeting__title"]
    autocomplete_fields = [
        "meeting",
        "procedure",
        "agenda_item",
        "proposed_by_organisation",
        "proposed_by_person",
        "concerns_organisations",
        "concerns_people",
        "documents",
        "memberships",
        "roles",
    ]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at"]
    list_select_related = ["meeting", "procedure", "agenda_item"]
    inlines = [ActionItemInline]


class ProgressNoteInline(OptimisticLockInlineMixin, PortalTabularInline):
    model = ProgressNote
    extra = 0
    max_num = 100  # progress notes of one action
    fields = ["note", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]


@admin.register(ActionItem)
class ActionItemAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["__str__", "meeting", "decision", "owner", "due_date", "status"]
    list_filter = ["status", "meeting"]
    search_fields = ["description", "owner_organisation__name", "owner_person__name"]
    autocomplete_fields = ["meeting", "decision", "owner_organisation", "owner_person"]
    date_hierarchy = "due_date"
    list_select_related = ["meeting", "decision", "owner_organisation", "owner_person"]
    inlines = [ProgressNoteInline]


@admin.register(ProgressNote)
class ProgressNoteAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["__str__", "action_item", "created_at", "created_by"]
    search_fields = ["note", "action_item__description"]
    autocomplete_fields = ["action_item"]
    list_select_related = ["action_item", "created_by"]


class ProcedureAnswerInline(OptimisticLockInlineMixin, PortalTabularInline):
    model = ProcedureAnswer
    extra = 0
    max_num = 100  # one answer per member organisation consulted (about 40)
    fields = ["organisation", "answer", "reason", "on_behalf", "channel", "answered_by", "answered_at"]
    autocomplete_fields = ["organisation", "answered_by"]


@admin.register(WrittenProcedure)
class WrittenProcedureAdmin(OptimisticLockAdminMixin, PortalAdmin):
    """
    The data of written procedures. Launching, answering, closing and publishing are steps with rules
    (decisions.procedures.services): take them on the portal's pages; this is for corrections.
    """

    list_display = ["reference", "title", "kind", "stage", "outcome", "status", "deadline", "closed_at"]
    list_filter = ["kind", "stage", "outcome", "status"]
    search_fields = ["reference", "title", "text"]
    autocomplete_fields = [
        "proposed_by_organisation",
        "documents",
        "consulted",
    ]
    # The effect is data of decisions.effects, set on the portal's form; shown here as a sentence.
    exclude = ["effect"]
    readonly_fields = [
        "effect_display",
        "created_at",
        "updated_at",
        "launched_at",
        "closed_at",
        "published_at",
        "reminded_at",
    ]
    date_hierarchy = "deadline"
    list_select_related = ["proposed_by_organisation"]
    inlines = [ProcedureAnswerInline]

    @admin.display(description=_("effect when adopted"))
    def effect_display(self, procedure: WrittenProcedure) -> str:
        return effects.describe(procedure.effect) or "—"


@admin.register(ProcedureAnswer)
class ProcedureAnswerAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["procedure", "organisation", "answer", "on_behalf", "channel", "answered_at"]
    list_filter = ["answer", "on_behalf", "channel"]
    search_fields = ["procedure__reference", "organisation__name", "reason"]
    autocomplete_fields = ["procedure", "organisation", "answered_by"]
    list_select_related = ["procedure", "organisation"]
