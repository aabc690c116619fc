"""The Django admin is the staff fallback for everything the workspace does not cover yet."""

from django.contrib import admin

from editorial.models import (
    Article,
    ArticleContributor,
    Asset,
    Comment,
    Contributor,
    Issue,
    Publication,
    ReviewAssignment,
    Revision,
    Section,
    Transition,
)
from editorial.richtext import sanitize_html


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "issn", "page_size"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "publication", "position"]
    list_filter = ["publication"]


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["original_name", "width", "height", "created_at"]
    readonly_fields = ["file", "sha256", "width", "height", "created_at", "created_by"]

    def has_add_permission(self, request) -> bool:
        # Images enter through validated uploads and imports only.
        return False


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "publication", "number", "cover_date", "status"]
    list_filter = ["publication", "status"]
    readonly_fields = ["status"]
    raw_id_fields = ["cover_image"]

    def save_model(self, request, obj, form, change) -> None:
        obj.editor_note = sanitize_html(obj.editor_note)
        super().save_model(request, obj, form, change)


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["name", "affiliation"]
    search_fields = ["name", "affiliation"]


class CreditInline(admin.TabularInline):
    model = ArticleContributor
    extra = 0
    autocomplete_fields = ["contributor"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "issue", "section", "position", "state", "updated_at"]
    list_filter = ["state", "issue", "section"]
    search_fields = ["title", "summary"]
    readonly_fields = ["state", "created_by", "updated_by", "created_at", "updated_at"]
    raw_id_fields = ["lead_image"]
    inlines = [CreditInline]

    def save_model(self, request, obj, form, change) -> None:
        obj.body = sanitize_html(obj.body)
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# Workspace records: readable in the admin, written only by editorial.services.
class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Revision)
class RevisionAdmin(_ReadOnlyAdmin):
    list_display = ["article", "number", "created_by", "created_at", "note"]
    search_fields = ["title"]


@admin.register(Transition)
class TransitionAdmin(_ReadOnlyAdmin):
    list_display = ["article", "from_state", "to_state", "by", "at"]
    list_filter = ["to_state"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(_ReadOnlyAdmin):
    list_display = ["article", "reviewer", "due_date", "decision", "decided_at"]
    list_filter = ["decision"]


@admin.register(Comment)
class CommentAdmin(_ReadOnlyAdmin):
    list_display = ["article", "author", "created_at", "resolved"]
