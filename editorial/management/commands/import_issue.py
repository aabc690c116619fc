"""manage.py import_issue DIR — load an issue bundle, all or nothing."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from editorial.bundles import BundleError, bundle_import
from editorial.models import ArticleState
from editorial.services import IssueFrozen


class Command(BaseCommand):
    help = "Import an issue bundle (docs/issue-bundle.md). Re-importing updates the same issue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--state",
            choices=[ArticleState.DRAFT, ArticleState.APPROVED],
            default=ArticleState.APPROVED,
            help="workflow state of newly created articles (default: approved, for back issues)",
        )

    def handle(self, *args, directory: str, dry_run: bool, state: str,
               **options) -> None:
        try:
            result = bundle_import(
                directory=directory, dry_run=dry_run, state=state
            )
        except BundleError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) found; nothing was imported."
            ) from None
        except IssueFrozen as exc:  # a published issue changes only through a correction
            raise CommandError(f"{exc} Nothing was imported.") from None
        if result.dry_run:
            self.stdout.write(f"{directory}: valid, {len(result.created)} article(s).")
            return
        issue = result.issue
        self.stdout.write(self.style.SUCCESS(
            f"{issue.publication.slug} #{issue.number}: {len(result.created)} created, "
            f"{len(result.updated)} updated."
        ))
        for title in result.untouched:
            self.stdout.write(self.style.WARNING(f"not in the bundle, left as it was: {title}"))
