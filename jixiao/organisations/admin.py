"""System administration of organisations and people, in Chinese, for the sysadmin role.

Saves go through the service functions, so the tree's paths, the role rules and the audit trail hold
whatever screen made the change.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from jixiao.organisations.models import Membership, Organisation, User
from jixiao.organisations.services import (
    ACCOUNT_FIELDS,
    membership_grant,
    membership_revoke,
    organisation_save,
    user_create,
    user_deactivate,
    user_password_reset,
    user_reactivate,
    user_update,
)

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


class UserAddForm(forms.ModelForm):
    """A new account gets a one-time password from the service, shown once on the next page."""

    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "email"]


class UserChangeForm(BaseUserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _(
            "系统管理员不能为他人指定密码：重置后系统生成一次性密码，只显示一次，本人登录后须修改。"
        )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "full_name",
        "phone",
        yes_no_column(User, "is_active"),
        yes_no_column(User, "must_change_password"),
        yes_no_column(User, "is_staff"),
        "last_login",
    ]
    list_filter = ["is_active", "must_change_password", "is_staff"]
    search_fields = ["username", "full_name", "phone", "email"]
    inlines = [MembershipInline]
    actions = ["reset_passwords", "deactivate", "reactivate"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "phone", "email"]}),
        (
            _("状态"),
            {"fields": ["active_shown", "must_change_shown", "is_staff", "last_login", "date_joined"]},
        ),
    ]
    # Activation and passwords change only through the list actions and the reset page (the services).
    readonly_fields = ["active_shown", "must_change_shown", "last_login", "date_joined"]
    form = UserChangeForm
    add_form = UserAddForm
    add_form_template = "organisations/admin/user_add_form.html"
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["username", "full_name", "phone", "email"]})]

    @admin.display(description=_("启用"))
    def active_shown(self, user) -> str:
        return "是" if user.is_active else "否（已停用）"

    @admin.display(description=_("须修改密码"))
    def must_change_shown(self, user) -> str:
        return "是（使用一次性密码，登录后须修改）" if user.must_change_password else "否"

    def save_model(self, request, obj, form, change):
        if change:
            values = {name: form.cleaned_data[name] for name in ACCOUNT_FIELDS if name in form.cleaned_data}
            user_update(user=obj, values=values, acting_user=request.user)
            return
        user, password = user_create(
            username=form.cleaned_data["username"],
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
            acting_user=request.user,
        )
        # The posts of the inline are granted to this account next (save_formset).
        obj.pk, obj.password, obj._state.adding = user.pk, user.password, False
        obj.one_time_password = password

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

    def response_add(self, request, obj, post_url_continue=None):
        return self._passwords_shown(request, [(obj, obj.one_time_password)], _("账号已创建"))

    def user_change_password(self, request, id, form_url=""):
        """The administrator never chooses a person's password: this page resets it to a one-time password
        (the “重置密码” button of the account's page leads here)."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        if request.method == "POST":
            user, password = user_password_reset(user=user, acting_user=request.user)
            return self._passwords_shown(request, [(user, password)], _("密码已重置"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("重置密码：%(name)s") % {"name": user},
            "person": user,
        }
        return TemplateResponse(request, "organisations/admin/password_reset.html", context)

    def _passwords_shown(self, request, accounts, title):
        """The one-time passwords, on this page only: it is not cached and nothing keeps them."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "accounts": accounts,
        }
        response = TemplateResponse(request, "organisations/admin/one_time_passwords.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("重置所选用户的密码（生成一次性密码）"))
    def reset_passwords(self, request, queryset):
        accounts = [user_password_reset(user=user, acting_user=request.user) for user in queryset]
        return self._passwords_shown(request, accounts, _("密码已重置"))

    @admin.action(description=_("停用所选用户（离职、调离）"))
    def deactivate(self, request, queryset):
        self._each(request, queryset, user_deactivate, "已停用 {n} 个账号。")

    @admin.action(description=_("启用所选用户"))
    def reactivate(self, request, queryset):
        self._each(request, queryset, user_reactivate, "已启用 {n} 个账号。")

    def _each(self, request, queryset, service, done: str) -> None:
        count = 0
        for user in queryset:
            try:
                service(user=user, acting_user=request.user)
            except ValidationError as exc:
                messages.warning(request, f"{user.username}：{exc.messages[0]}")
            else:
                count += 1
        if count:
            messages.success(request, done.format(n=count))

    def has_delete_permission(self, request, obj=None):
        return False
