"""Staff fallback for the members' library."""

from django.contrib import admin

from publishing.models import Announcement, Download, IssueAccess, Membership, Read


@admin.register(IssueAccess)
class IssueAccessAdmin(admin.ModelAdmin):
    list_display = ["issue", "level", "embargo_months"]
    list_filter = ["level"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "organisation", "expires_on", "invited_at"]
    search_fields = ["user__username", "user__email", "user__first_name", "organisation"]
    list_filter = ["expires_on"]
    raw_id_fields = ["user"]


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ["issue", "user", "downloaded_at"]
    list_filter = ["issue"]

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
