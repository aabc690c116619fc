"""manage.py render_issue SLUG NUMBER --pdf FILE [--html DIR] [--print] — render an issue."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from editorial.models import Issue
from publishing.rendering import RenderError
from publishing.rendering.services import issue_render


class Command(BaseCommand):
    help = (
        "Render an issue (any status) to a PDF and/or an HTML edition folder, e.g. a proof or "
        "the print-shop file. Publishing (the edition the site serves) is publish_issue's job."
    )

    # System checks concern the web site and cost a second; `manage.py check` still runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("publication_slug")
        parser.add_argument("number", type=int)
        parser.add_argument("--pdf", metavar="FILE", help="where to write the PDF")
        parser.add_argument("--html", metavar="DIR", help="folder for the HTML edition")
        parser.add_argument(
            "--print", dest="print_mode", action="store_true",
            help="print-shop variant: 3 mm bleed and crop marks",
        )
        parser.add_argument(
            "--timeout", type=float, default=None,
            help="seconds before the render is stopped (default: BULLETIN_RENDER_TIMEOUT)",
        )

    def handle(self, *args, publication_slug: str, number: int, pdf: str | None,
               html: str | None, print_mode: bool, timeout: float | None, **options) -> None:
        if not pdf and not html:
            raise CommandError("say where to write: --pdf FILE and/or --html DIR")
        issue = (Issue.objects.select_related("publication", "cover_image")
                 .filter(publication__slug=publication_slug, number=number).first())
        if issue is None:
            known = list(Issue.objects.filter(publication__slug=publication_slug)
                         .order_by("number").values_list("number", flat=True))
            hint = (f"; its issues are: {', '.join(map(str, known))}" if known
                    else "; no publication has that slug (or it has no issues)")
            raise CommandError(f"no issue {publication_slug} #{number}{hint}")
        try:
            result = issue_render(
                issue=issue,
                pdf_path=Path(pdf) if pdf else None,
                html_dir=Path(html) if html else None,
                print_mode=print_mode,
                timeout=timeout,
            )
        except RenderError as exc:  # MissingGlyphsError, RenderTimeout and the rest
            raise CommandError(f"not rendered, nothing was changed — {exc}") from None
        except OSError as exc:
            raise CommandError(f"not rendered: cannot write {exc.filename or ''}: "
                               f"{exc.strerror or exc}") from None
        if result.pdf_path:
            size = result.pdf_path.stat().st_size
            self.stdout.write(self.style.SUCCESS(
                f"{result.pdf_path}: {result.pages} pages, {size / 1024:.0f} KB"
                f"{' (print-shop variant)' if print_mode else ''}"
            ))
        if result.html_dir:
            self.stdout.write(self.style.SUCCESS(f"{result.html_dir}/index.html"))
        self.stdout.write(f"rendered in {result.seconds:.1f} s")
