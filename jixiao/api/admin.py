"""The administrator creates and revokes API tokens here; the raw token is shown once, on the page that
follows its creation, and only its digest is kept."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.api.models import ApiToken, TokenScope
from jixiao.api.policy import can_manage_api_tokens
from jixiao.api.services import api_token_create, api_token_problems, api_token_revoke
from jixiao.organisations.admin import yes_no_column


class ApiTokenCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("权限"),
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[TokenScope.READ],
    )

    class Meta:
        model = ApiToken
        fields = ["organisation", "name", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_at"].initial = timezone.now() + timedelta(days=365)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        problems = api_token_problems(
            organisation=data["organisation"],
            name=data["name"],
            scopes=set(data["scopes"]),
            expires_at=data["expires_at"],
        )
        for field, messages_ in problems.items():
            for message in messages_:
                self.add_error(field, message)
        return data

    def _post_clean(self):
        """The token's prefix and digest do not exist yet; the service makes and validates them."""


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "prefix",
        yes_no_column(ApiToken, "scope_read"),
        yes_no_column(ApiToken, "scope_load"),
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["organisation__kind"]
    search_fields = ["name", "prefix", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    actions = ["revoke"]
    readonly_fields = [
        "organisation",
        "name",
        "prefix",
        "scopes_shown",
        "expires_at",
        "created_at",
        "created_by",
        "revoked_at",
        "last_used_at",
    ]

    @admin.display(description=_("权限"))
    def scopes_shown(self, token) -> str:
        return "、".join(str(TokenScope(scope).label) for scope in TokenScope.values if scope in token.scopes)

    def has_module_permission(self, request):
        return can_manage_api_tokens(request.user)

    def has_view_permission(self, request, obj=None):
        return can_manage_api_tokens(request.user)

    def has_add_permission(self, request):
        return can_manage_api_tokens(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a revoked token stays listed, with its audit trail

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organisation", "name", "scopes", "expires_at"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        token, raw = api_token_create(
            organisation=data["organisation"],
            name=data["name"],
            scopes=set(data["scopes"]),
            expires_at=data["expires_at"],
            acting_user=request.user,
        )
        obj.pk = token.pk
        obj.raw_token = raw

    def log_addition(self, request, obj, message):
        """The service wrote the audit record; Django's own admin log is not kept twice."""

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "接口令牌已创建",
            "token": ApiToken.objects.select_related("organisation").get(pk=obj.pk),
            "raw_token": obj.raw_token,
        }
        response = TemplateResponse(request, "api/token_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("吊销所选接口令牌"))
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset:
            try:
                api_token_revoke(token=token, acting_user=request.user)
            except ValidationError as exc:
                messages.warning(request, f"{token}：{exc.messages[0]}")
            else:
                revoked += 1
        if revoked:
            messages.success(request, f"已吊销 {revoked} 个接口令牌。")
