from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import PortalAdmin, PortalTabularInline
from core.locking import OptimisticLockAdminMixin, OptimisticLockInlineMixin
from members.models import Delegation, Membership, Organisation, Person, Pillar, Post, RoleHeld

# Each inline takes at most max_num rows (core/inlines.py, core.admin): far more than an
# organisation has, far fewer than a forged post asks for.


class MembershipInline(OptimisticLockInlineMixin, PortalTabularInline):
    model = Membership
    extra = 0
    max_num = 50  # memberships of one organisation, one per category and period
    fields = ["category", "since", "until", "note"]
    show_change_link = True


class PersonInline(OptimisticLockInlineMixin, PortalTabularInline):
    model = Person
    extra = 0
    max_num = 200  # people of one organisation recorded over the years
    fields = ["honorific", "name", "position_title", "user"]
    autocomplete_fields = ["user"]
    show_change_link = True


class CurrentMemberFilter(admin.SimpleListFilter):
    title = _("membership")
    parameter_name = "member"

    def lookups(self, request, model_admin):
        return [("current", _("Current member")), ("former", _("Former member")), ("never", _("Never a member"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.filter(memberships__in=Membership.objects.current()).distinct()
        if self.value() == "former":
            return queryset.filter(memberships__in=Membership.objects.former()).distinct()
        if self.value() == "never":
            return queryset.filter(memberships__isnull=True)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["display_name", "acronym", "kind", "country", "parent", "designation_footnote"]
    list_filter = ["kind", CurrentMemberFilter, "designation_footnote"]
    search_fields = ["name", "acronym", "country"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [MembershipInline, PersonInline]


@admin.register(Person)
class PersonAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["name", "honorific", "position_title", "organisation", "user"]
    list_filter = ["organisation__kind", "honorific"]
    search_fields = ["name", "position_title", "organisation__name", "organisation__acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation", "user"]


@admin.register(Pillar)
class PillarAdmin(PortalAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["organisation", "category", "since", "until", "is_current"]
    list_filter = ["category", "organisation__kind", ("until", admin.EmptyFieldListFilter)]
    search_fields = ["organisation__name", "organisation__acronym", "note"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "since"
    list_select_related = ["organisation"]

    @admin.display(boolean=True, description=_("current"))
    def is_current(self, obj):
        return obj.is_current


@admin.register(Post)
class PostAdmin(PortalAdmin):
    list_display = ["name", "holder", "per_pillar", "order"]
    list_editable = ["order"]
    list_filter = ["holder", "per_pillar"]
    search_fields = ["name"]


class CurrentRoleFilter(admin.SimpleListFilter):
    title = _("term")
    parameter_name = "term"

    def lookups(self, request, model_admin):
        return [("current", _("Current")), ("former", _("Ended"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.current()
        if self.value() == "former":
            return queryset.former()
        return queryset


@admin.register(RoleHeld)
class RoleHeldAdmin(OptimisticLockAdminMixin, PortalAdmin):
    list_display = ["post", "holder_name", "pillar", "kind", "term", "is_current"]
    list_filter = [CurrentRoleFilter, "post", "kind", "pillar", "start_precision"]
    search_fields = [
        "post__name",
        "person__name",
        "organisation__name",
        "organisation__acronym",
        "represented__name",
        "note",
    ]
    autocomplete_fields = [
        "post",
        "person",
        "organisation",
        "represented",
        "pillar",
        "proposed_by_organisation",
        "proposed_by_person",
    ]
    fieldsets = [
        (None, {"fields": ["post", ("person", "represented"), "organisation", "pillar", "kind"]}),
        (_("Term"), {"fields": [("start", "start_precision"), ("end", "end_precision")]}),
        (_("Proposal and note"), {"fields": [("proposed_by_organisation", "proposed_by_person"), "note"]}),
    ]
    date_hierarchy = "start"
    list_select_related = ["post", "person", "organisation", "pillar"]

    @admin.display(description=_("held by"), ordering="person__name")
    def holder_name(self, obj):
        return obj.holder_name

    @admin.display(description=_("term"), ordering="start")
    def term(self, obj):
        return obj.term

    @admin.display(boolean=True, description=_("current"))
    def is_current(self, obj):
        return obj.is_current


@admin.register(Delegation)
class DelegationAdmin(PortalAdmin):
    list_display = ["person", "organisation", "valid_from", "valid_until"]
    list_filter = ["organisation"]
    search_fields = ["person__name", "organisation__name", "organisation__acronym"]
    autocomplete_fields = ["person", "organisation"]
    list_select_related = ["person", "organisation"]
    date_hierarchy = "valid_from"
