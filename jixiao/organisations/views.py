from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import error_parts
from jixiao.organisations.services import user_password_change


class PasswordChangeView(auth_views.PasswordChangeView):
    """The person's own password: the form checks the old one, the service sets the new one and ends the
    obligation to change a one-time password."""

    template_name = "registration/password_change.html"
    extra_context = {"crumbs": [(_("修改密码"), None)]}

    def form_valid(self, form):
        try:
            user = user_password_change(
                user=self.request.user, new_password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            message, _fields = error_parts(exc)
            form.add_error("new_password1", message)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("密码已修改。"))
        return redirect("home")
