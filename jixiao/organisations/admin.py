"""System administration of organisations and people, in Chinese, for the sysadmin role.

Saves go through the service functions, so the tree's paths, the role rules and the audit trail hold
whatever screen made the change.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from jixiao.audit.services import audit_record
from jixiao.organisations.models import Membership, Organisation, User
from jixiao.organisations.services import membership_grant, membership_revoke, organisation_save

# Roles are held per organisation (Membership); Django's groups are not used.
admin.site.unregister(Group)


def yes_no_column(model, field_name: str):
    """A list column showing 是/否: Django's tick icons carry English alternative text ("True")."""

    @admin.display(description=model._meta.get_field(field_name).verbose_name, ordering=field_name)
    def column(obj) -> str:
        return "是" if getattr(obj, field_name) else "否"

    column.__name__ = f"{field_name}_shown"
    return column


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["organisation"]
    verbose_name = _("岗位")
    verbose_name_plural = _("岗位（一人可在不同机构担任多个角色）")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "parent",
        "counterpart_section",
        yes_no_column(Organisation, "is_classified"),
        yes_no_column(Organisation, "is_active"),
    ]
    list_filter = ["kind", "is_classified", "is_active", "counterpart_section"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent", "counterpart_section"]
    list_select_related = ["parent", "counterpart_section"]
    ordering = ["path"]
    fieldsets = [
        (None, {"fields": ["code", "name", "short_name", "kind", "parent", "is_active"]}),
        (_("监控管理"), {"fields": ["counterpart_section", "is_classified"]}),
        (_("联系方式"), {"fields": ["contact_person", "contact_phone"]}),
    ]

    def save_model(self, request, obj, form, change):
        organisation_save(organisation=obj, acting_user=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "full_name",
        "phone",
        yes_no_column(User, "is_active"),
        yes_no_column(User, "is_staff"),
        "last_login",
    ]
    search_fields = ["username", "full_name", "phone"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "phone", "email"]}),
        (_("状态"), {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "phone", "password1", "password2"]}),
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="user.change" if change else "user.create", target=obj)

    def save_formset(self, request, form, formset, change):
        """Posts go through the membership services; a changed post is revoked and granted anew."""
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            membership_revoke(membership=membership, acting_user=request.user)
        for membership in instances:
            if membership.pk is not None:
                membership_revoke(
                    membership=Membership.objects.select_related("organisation").get(pk=membership.pk),
                    acting_user=request.user,
                )
            membership_grant(
                user=membership.user,
                organisation=membership.organisation,
                role=membership.role,
                acting_user=request.user,
            )

    def has_delete_permission(self, request, obj=None):
        return False
