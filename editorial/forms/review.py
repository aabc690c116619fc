"""The workflow's forms: submit (with reviewers), decisions and comments."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.forms.fields import ISODateField
from editorial.models import Article
from editorial.permissions import REVIEWER_GROUP


def _reviewer_label(user) -> str:
    name = user.get_full_name()
    return f"{name}（{user.get_username()}）" if name else user.get_username()


class SubmitForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("审稿人"), queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = ISODateField(label=_("截止日期"))
    comment = forms.CharField(label=_("附言"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, article: Article | None = None, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        reviewers = get_user_model().objects.filter(
            groups__name=REVIEWER_GROUP, is_active=True
        ).order_by("username")
        if user is not None:
            reviewers = reviewers.exclude(pk=user.pk)
        if article is not None and article.created_by_id:
            reviewers = reviewers.exclude(pk=article.created_by_id)
        self.fields["reviewers"].queryset = reviewers
        # People by their names (as everywhere in the workspace), the login name only without one.
        self.fields["reviewers"].label_from_instance = _reviewer_label
        self.fields["due_date"].initial = timezone.localdate() + timezone.timedelta(days=7)


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("审稿意见"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    # Set by the confirmation page: the reviewer approves knowing comments are unresolved.
    confirm_unresolved = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("评论"), max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The passage selected in the body (filled by review.js), with context either side.
    quote = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)
    quote_prefix = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)
    quote_suffix = forms.CharField(required=False, max_length=400, widget=forms.HiddenInput)
