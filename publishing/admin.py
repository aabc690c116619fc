"""Staff fallback for the members' library."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from editorial.models import Issue, IssueStatus
from editorial.services import issue_touch
from publishing.models import Announcement, Delivery, Download, IssueAccess, Membership, Read


@admin.register(IssueAccess)
class IssueAccessAdmin(admin.ModelAdmin):
    list_display = ["issue", "level", "embargo_months"]
    list_filter = ["level"]

    # Pages and caches key on the issue's stamp (``issue_touch``): a change of who may read
    # it must move the stamp, as ``issue_set_access`` does, or a cached page would leak.
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        issue_touch(issue_id=obj.issue_id)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        issue_touch(issue_id=obj.issue_id)

    def delete_queryset(self, request, queryset) -> None:
        issue_ids = list(queryset.values_list("issue_id", flat=True))
        super().delete_queryset(request, queryset)
        for issue_id in issue_ids:
            issue_touch(issue_id=issue_id)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "organisation", "expires_on", "invited_at"]
    list_select_related = ["user"]
    # Newest first, on an index: sorting 20,000 members by name on every page view is not.
    ordering = ["-created_at", "-pk"]
    search_fields = ["user__username", "user__email", "user__first_name", "organisation"]
    list_filter = ["expires_on"]
    raw_id_fields = ["user"]


class IssueFilter(admin.SimpleListFilter):
    """Downloads by issue: the issues' names in one query (the default filter asks the
    database for each issue's publication)."""

    title = _("期刊")
    parameter_name = "issue"

    def lookups(self, request, model_admin):
        issues = Issue.objects.filter(status=IssueStatus.PUBLISHED).select_related("publication")
        return [(issue.pk, str(issue)) for issue in issues.order_by("-cover_date", "-number")]

    def queryset(self, request, queryset):
        return queryset.filter(issue_id=self.value()) if self.value() else queryset


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ["issue", "user", "downloaded_at"]
    list_select_related = ["issue__publication", "user"]
    list_filter = [IssueFilter]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Read)
class ReadAdmin(admin.ModelAdmin):
    list_display = ["issue", "slug", "user", "read_at"]
    list_filter = ["issue"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["issue", "created_at", "sent_at", "recipients"]
    readonly_fields = ["issue", "created_at", "sent_at", "recipients"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Who was sent what: read-only (``send_pending_mail`` finishes what is pending)."""

    list_display = ["email", "kind", "announcement", "created_at", "sent_at", "failed_at"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter),
                   ("failed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["announcement__issue__publication"]
    search_fields = ["email"]
    ordering = ["-pk"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
