from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from survey.models import (
    Answer,
    Assessment,
    AuditEvent,
    Campaign,
    CampaignVersion,
    Evidence,
    Framework,
    FrameworkVersion,
    Membership,
    Node,
    Unit,
    UnitLineage,
    UnitResult,
    User,
)


@admin.display(description=_("year"), ordering="year")
def year(obj) -> str:
    """Years shown as 2025, not grouped like amounts (2.025)."""
    return str(obj.year)


admin.site.site_header = _("DTI assessment administration")
admin.site.site_title = _("DTI assessment")
admin.site.index_title = _("Administration")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]
    filter_horizontal = ["indicators"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("full_name", "phone")}),
    )
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    inlines = [MembershipInline]


class LineageInline(admin.TabularInline):
    model = UnitLineage
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]
    verbose_name = _("predecessor")
    verbose_name_plural = _("predecessors (merges, splits, renames)")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "unit_type"]
    list_filter = ["unit_type"]
    search_fields = ["code", "name_vi", "name_en"]
    inlines = [LineageInline]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi"]
    search_fields = ["code", "name_vi"]


class FrozenReadOnlyMixin:
    """A frozen framework version is shown but not editable (edit a copy instead)."""

    def _frozen(self, obj) -> bool:
        version = (
            obj if isinstance(obj, FrameworkVersion) else getattr(obj, "version", None)
        )
        return bool(version and version.is_frozen)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (
            obj and self._frozen(obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj and self._frozen(obj)
        )


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(FrozenReadOnlyMixin, admin.ModelAdmin):
    list_display = ["framework", year, "number", "unit_type", "state", "legal_basis"]
    list_filter = ["framework", "year", "unit_type", "state"]
    actions = ["make_copy"]

    @admin.action(description=_("Make an editable copy"))
    def make_copy(self, request, queryset):
        from survey.services.frameworks import framework_version_copy

        for version in queryset:
            framework_version_copy(version=version, user=request.user)
        self.message_user(request, _("Copies made."))


@admin.register(Node)
class NodeAdmin(FrozenReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "name_vi", "kind", "max_points", "rule", "version"]
    list_filter = ["version", "kind", "rule", "answer_type", "provenance"]
    search_fields = ["code", "name_vi", "name_en"]
    raw_id_fields = ["parent", "continues"]


class CampaignVersionInline(admin.TabularInline):
    model = CampaignVersion
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", year, "state", "deadline", "decision_number"]
    list_filter = ["state", "year"]
    readonly_fields = ["state", "state_version"]
    inlines = [CampaignVersionInline]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["unit", "campaign", "state", "ranking_group", "ranked"]
    list_filter = ["campaign", "state", "ranking_group", "ranked"]
    search_fields = ["unit__name_vi", "unit__code"]
    readonly_fields = ["state", "state_version", "submitted_at"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["kind", "doc_number", "doc_date", "summary", "url", "file", "confirmed"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = [
        "assessment",
        "node",
        "self_points",
        "verified_points",
        "review_status",
    ]
    list_filter = ["review_status", "assessment__campaign"]
    search_fields = ["node__code", "assessment__unit__name_vi"]
    raw_id_fields = ["assessment", "node", "updated_by"]
    readonly_fields = ["version"]
    inlines = [EvidenceInline]


@admin.register(UnitResult)
class UnitResultAdmin(admin.ModelAdmin):
    list_display = [
        "assessment",
        "node",
        "final_points",
        "value",
        "level",
        "rank",
        "frozen",
    ]
    list_filter = ["assessment__campaign", "frozen", "level"]
    raw_id_fields = ["assessment", "node"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "unit"]
    filter_horizontal = ["indicators"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
