from django import forms
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from jixiao.core.request_context import client_ip_of
from jixiao.core.throttle import clear_failures, is_locked_out, record_failure


class ThrottledAuthenticationForm(auth_views.AuthenticationForm):
    error_messages = {
        **auth_views.AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "locked_out": _("登录失败次数过多，请15分钟后再试，或联系系统管理员。"),
    }

    def clean(self):
        username = self.data.get("username", "")
        ip = client_ip_of(self.request) if self.request else None
        if is_locked_out(username, ip):
            raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_failure(username, ip)
            raise
        clear_failures(username)
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True
