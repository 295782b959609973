"""The Django admin. Rows that carry answers, scores, states or the trail itself are
read-only here (they change only through the services, which check and audit);
every save or deletion the admin still allows leaves an audit event with the
values before and after (``docs/audit.md``)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
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
    Province,
    ResultsAnalysis,
    Unit,
    UnitLineage,
    UnitResult,
    User,
)
from survey.services.audit import admin_change_record, audit_snapshot, request_ip


@admin.display(description=_("year"), ordering="year")
def year(obj) -> str:
    """Years shown as 2025, not grouped like amounts (2.025)."""
    return str(obj.year)


admin.site.site_header = _("DTI assessment administration")
admin.site.site_title = _("DTI assessment")
admin.site.index_title = _("Administration")


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _record(request, obj, object_id, before, after) -> None:
    admin_change_record(
        user=request.user,
        obj=obj,
        object_id=str(object_id),
        before=before,
        after=after,
        ip=request_ip(request),
    )


class AuditedAdmin(admin.ModelAdmin):
    """Every save and deletion leaves an audit event with before and after.

    The values before are read from the database when the object is saved (the
    form has already changed the instance); the event is written once the
    many-to-many fields and inlines are saved, so that ``after`` holds them too.
    """

    def save_model(self, request, obj, form, change):
        stored = type(obj)._default_manager.get(pk=obj.pk) if change else None
        form.audit_before = audit_snapshot(obj=stored) if stored else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        after = audit_snapshot(obj=obj)
        _record(request, obj, obj.pk, getattr(form, "audit_before", None), after)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        pks = [f.instance.pk for f in formset.initial_forms if f.instance.pk]
        before = {o.pk: audit_snapshot(obj=o) for o in model.objects.filter(pk__in=pks)}
        super().save_formset(request, form, formset, change)
        stored = {o.pk: o for o in model.objects.filter(pk__in=pks)}
        for pk, values in before.items():
            obj = stored.get(pk)
            after = audit_snapshot(obj=obj) if obj else None
            _record(request, obj or model(pk=pk), pk, values, after)
        for obj in formset.new_objects:
            _record(request, obj, obj.pk, None, audit_snapshot(obj=obj))

    def delete_model(self, request, obj):
        pk, before = obj.pk, audit_snapshot(obj=obj)
        super().delete_model(request, obj)
        _record(request, obj, pk, before, None)

    def delete_queryset(self, request, queryset):
        gone = [(obj, obj.pk, audit_snapshot(obj=obj)) for obj in queryset]
        super().delete_queryset(request, queryset)
        for obj, pk, before in gone:
            _record(request, obj, pk, before, None)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]
    filter_horizontal = ["indicators"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("full_name", "phone")}),
    )
    list_display = ["username", "full_name", "email", "is_active", "is_staff"]
    inlines = [MembershipInline]

    def user_change_password(self, request, id, form_url=""):
        """Django's page; a password set here is recorded, never its value."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            state = "changed" if user.has_usable_password() else "disabled"
            _record(request, user, user.pk, None, {"password": state})
        return response


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(AuditedAdmin, BaseGroupAdmin):
    """Groups carry admin permissions: their changes are audited like the rest."""


class LineageInline(admin.TabularInline):
    model = UnitLineage
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]
    verbose_name = _("predecessor")
    verbose_name_plural = _("predecessors (merges, splits, renames)")


class ProvinceFixedMixin:
    """A row's province is chosen when it is added and never changed: moving a
    unit or a campaign would move its answers and results to another province."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "province"] if obj is not None else fields


@admin.register(Province)
class ProvinceAdmin(AuditedAdmin):
    list_display = ["code", "name_vi", "name_en"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(Unit)
class UnitAdmin(ProvinceFixedMixin, AuditedAdmin):
    list_display = ["code", "name_vi", "unit_type", "province"]
    list_filter = ["unit_type", "province"]
    search_fields = ["code", "name_vi", "name_en"]
    inlines = [LineageInline]


@admin.register(Framework)
class FrameworkAdmin(ProvinceFixedMixin, AuditedAdmin):
    list_display = ["code", "name_vi", "province"]
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
class FrameworkVersionAdmin(FrozenReadOnlyMixin, AuditedAdmin):
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
class NodeAdmin(FrozenReadOnlyMixin, AuditedAdmin):
    list_display = ["code", "name_vi", "kind", "max_points", "rule", "version"]
    list_filter = ["version", "kind", "rule", "answer_type", "provenance"]
    search_fields = ["code", "name_vi", "name_en"]
    raw_id_fields = ["parent", "continues"]


class CampaignVersionInline(admin.TabularInline):
    model = CampaignVersion
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(ProvinceFixedMixin, AuditedAdmin):
    list_display = ["name", year, "state", "deadline", "decision_number", "province"]
    list_filter = ["state", "year", "province"]
    readonly_fields = ["state", "state_version", "results_version"]
    inlines = [CampaignVersionInline]


@admin.register(ResultsAnalysis)
class ResultsAnalysisAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["campaign", "results_version", "kind", "created_at"]
    list_filter = ["campaign"]
    exclude = ["payload", "content"]  # large; read by the pages


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "campaign", "state", "ranking_group", "ranked"]
    list_filter = ["campaign", "state", "ranking_group", "ranked"]
    search_fields = ["unit__name_vi", "unit__code"]
    readonly_fields = ["state", "state_version", "submitted_at"]


class EvidenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["kind", "doc_number", "doc_date", "summary", "url", "file", "confirmed"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
class UnitResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "assessment",
        "node",
        "final_points",
        "value",
        "level",
        "self_level",
        "rank",
        "self_rank",
        "frozen",
    ]
    list_filter = ["assessment__campaign", "frozen", "level"]
    raw_id_fields = ["assessment", "node"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "role", "unit", "province"]
    list_filter = ["role", "province"]
    # A unit role takes its unit's province (Membership.save); a national role none.
    autocomplete_fields = ["user", "unit"]
    filter_horizontal = ["indicators"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "reason"]
