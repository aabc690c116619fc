"""Forms of the members' library."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _

from editorial.forms import ISODateField
from publishing.models import AccessLevel

MAX_CSV_BYTES = 5 * 1024 * 1024


class SearchForm(forms.Form):
    q = forms.CharField(label=_("检索"), max_length=100, required=False,
                        widget=forms.SearchInput(attrs={"placeholder": _("标题、作者、标签或正文")}))
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False,
                              widget=forms.HiddenInput)


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=150)
    email = forms.EmailField(label=_("邮箱"))
    organisation = forms.CharField(label=_("单位"), max_length=200, required=False)
    expires_on = ISODateField(label=_("会籍到期日"), required=False)


class MemberCSVForm(forms.Form):
    file = forms.FileField(
        label=_("CSV 文件"),
        help_text=_("UTF-8 编码；表头：姓名,邮箱,单位,到期日（后两列可选）。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("文件过大（上限 5 MB）。"))
        return upload


class IssueAccessForm(forms.Form):
    level = forms.ChoiceField(label=_("访问权限"), choices=AccessLevel.choices)
    embargo_months = forms.IntegerField(label=_("会员独享月数"), min_value=0, max_value=120,
                                        required=False, initial=0)

    def clean(self):
        data = super().clean()
        if data.get("level") == AccessLevel.EMBARGO and not data.get("embargo_months"):
            self.add_error("embargo_months", _("“到期后公开”需要至少 1 个月。"))
        return data


def form_errors(form) -> str:
    return "；".join(error for errors in form.errors.values() for error in errors)


class MemberPasswordResetForm(PasswordResetForm):
    """"Forgot password" that also serves invited members who never set one.

    Django's form skips users without a usable password; here that is exactly an invited
    member whose invitation link expired, and the invitation tells them to use this page.
    Links are built from ``SITE_URL``, never from the request's Host header.
    """

    def get_users(self, email: str):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        for user in users.select_related("membership"):
            if user.has_usable_password() or _has_membership(user):
                yield user

    def save(self, *args, extra_email_context: dict | None = None, **kwargs) -> None:
        context = {"site_url": settings.SITE_URL.rstrip("/"), **(extra_email_context or {})}
        super().save(*args, extra_email_context=context, **kwargs)


def _has_membership(user) -> bool:
    try:
        return user.membership is not None
    except ObjectDoesNotExist:
        return False
