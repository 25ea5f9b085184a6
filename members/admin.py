from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.locking import OptimisticLockAdminMixin, OptimisticLockInlineMixin
from members.models import Appointment, Membership, Organisation, Person, Pillar


class MembershipInline(OptimisticLockInlineMixin, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["category", "since", "until", "note"]
    show_change_link = True


class PersonInline(OptimisticLockInlineMixin, admin.TabularInline):
    model = Person
    extra = 0
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
class OrganisationAdmin(OptimisticLockAdminMixin, SimpleHistoryAdmin):
    list_display = ["display_name", "acronym", "kind", "country", "parent", "designation_footnote"]
    list_filter = ["kind", CurrentMemberFilter, "designation_footnote"]
    search_fields = ["name", "acronym", "country"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    inlines = [MembershipInline, PersonInline]


@admin.register(Person)
class PersonAdmin(OptimisticLockAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "honorific", "position_title", "organisation", "user"]
    list_filter = ["organisation__kind", "honorific"]
    search_fields = ["name", "position_title", "organisation__name", "organisation__acronym"]
    autocomplete_fields = ["organisation", "user"]
    list_select_related = ["organisation", "user"]


@admin.register(Pillar)
class PillarAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Membership)
class MembershipAdmin(OptimisticLockAdminMixin, SimpleHistoryAdmin):
    list_display = ["organisation", "category", "since", "until", "is_current"]
    list_filter = ["category", "organisation__kind", ("until", admin.EmptyFieldListFilter)]
    search_fields = ["organisation__name", "organisation__acronym", "note"]
    autocomplete_fields = ["organisation"]
    date_hierarchy = "since"
    list_select_related = ["organisation"]

    @admin.display(boolean=True, description=_("current"))
    def is_current(self, obj):
        return obj.is_current


@admin.register(Appointment)
class AppointmentAdmin(SimpleHistoryAdmin):
    list_display = ["person", "post", "kind", "organisation", "start", "end"]
    list_filter = ["kind", "post"]
    search_fields = ["person__name", "post", "organisation__name"]
    autocomplete_fields = ["person", "organisation"]
    date_hierarchy = "start"
    list_select_related = ["person", "organisation"]
