"""Rendering an issue to its files, all or nothing.

A render works on temporary files next to its targets and only moves them into place once the
PDF has been checked, so a render that fails or runs out of time leaves the previous files
exactly as they were. WeasyPrint (``publishing.rendering.pdf``) is imported only when a PDF is
rendered, and then only in the render's child process, so web workers start light.
"""

from __future__ import annotations

import errno
import gc
import logging
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from editorial.models import Issue
from publishing import filestore
from publishing.errors import MissingGlyphsError, RenderError

if TYPE_CHECKING:
    from publishing.rendering.print_html import PdfJob

logger = logging.getLogger(__name__)


def _rendering():
    """The renderer's Django side (print HTML, glyph check, HTML edition): no WeasyPrint."""
    from publishing import rendering

    return rendering


def _pdf_writer():
    """The WeasyPrint side, imported in the render's child process (web workers and the
    parent of a render never load it)."""
    from publishing.rendering import pdf

    return pdf


class RenderTimeout(RenderError):
    """The render took longer than its time limit and was stopped."""


class RenderOutOfMemory(RenderError):
    """The render needed more memory than its cap (``settings.BULLETIN_RENDER_MEMORY_MB``)."""


@dataclass(frozen=True)
class RenderResult:
    pdf_path: Path | None
    html_dir: Path | None
    pages: int
    seconds: float


def _pdf_page_count(path: Path) -> int:
    """Parse the PDF with an independent reader (poppler's pdfinfo) and return its pages."""
    try:
        info = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, timeout=60, check=False
        )
    except FileNotFoundError as exc:
        raise RenderError("pdfinfo is missing (Debian package poppler-utils)") from exc
    except subprocess.TimeoutExpired as exc:
        raise RenderError("the rendered PDF could not be checked (pdfinfo timed out)") from exc
    if info.returncode != 0:
        raise RenderError(f"the rendered PDF does not parse: {info.stderr.strip()[:300]}")
    for line in info.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split(":", 1)[1])
    return 0


def _memory_cap_bytes() -> int | None:
    megabytes = settings.BULLETIN_RENDER_MEMORY_MB
    return megabytes * 1024 * 1024 if megabytes and megabytes > 0 else None


def _cap_memory(limit: int | None) -> None:
    """Cap this (child) process's address space, so that one hostile document makes its own
    allocations fail instead of the machine's memory run out and the kernel kill the server."""
    if limit is None:
        return
    import resource

    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _child_render(jobs, target: str, results, memory_limit: int | None = None) -> None:
    """Runs in the forked child, capped in memory: imports WeasyPrint while the parent reads
    the database and builds the print HTML, then renders the job the parent sends; no
    database. Reports through ``results``."""
    try:
        _cap_memory(memory_limit)
        writer = _pdf_writer()
        try:
            job, sources = jobs.recv()
        except EOFError:  # the parent could not build the job: it reports why
            return
        Path(target).write_bytes(writer.pdf_from_html(job, sources=sources))
        results.send(("ok", None))
    except MissingGlyphsError as exc:
        results.send(("glyphs", exc.problems))
    except MemoryError:
        results.send(("memory", None))
    except RecursionError:
        results.send(("depth", None))
    except BaseException as exc:  # whatever it is, the parent reports it
        if memory_limit is not None and (_at_memory_cap(memory_limit) or (
                isinstance(exc, OSError) and exc.errno == errno.ENOMEM)):
            # C code whose allocation failed may raise anything ("SystemError: error return
            # without exception set", a cairo or Pango error): no headroom left means the cap.
            results.send(("memory", None))
        else:
            results.send(("error", f"{type(exc).__name__}: {str(exc)[:500]}"))
    finally:
        results.close()


def _at_memory_cap(limit: int, headroom: int = 64 * 1024 * 1024) -> bool:
    """True when this capped process is within ``headroom`` of its address-space cap, or cannot
    allocate that much more (glibc serves 64 MB by a fresh mapping, which the cap counts)."""
    try:
        status = Path("/proc/self/status").read_text()
        size_kb = int(re.search(r"^VmSize:\s+(\d+) kB", status, re.M).group(1))
        if size_kb * 1024 + headroom > limit:
            return True
    except (OSError, AttributeError, ValueError):
        pass
    try:
        bytearray(headroom)
    except MemoryError:
        return True
    return False


_ALLOCATION_FAILURE_SIGNALS = {-signal.SIGABRT, -signal.SIGKILL, -signal.SIGTRAP,
                               -signal.SIGSEGV, -signal.SIGBUS}


def _out_of_memory(limit: int | None, how: str = "MemoryError") -> RenderOutOfMemory:
    return RenderOutOfMemory(
        f"the render needed more than its memory cap of {(limit or 0) // 1048576} MB "
        f"(settings.BULLETIN_RENDER_MEMORY_MB) and was stopped ({how})")


RenderInput = tuple["PdfJob", list[tuple[str, str]]]


def _render_pdf_file(build: Callable[[], RenderInput], target: Path, deadline: float,
                     started: float) -> None:
    """Write the PDF that ``build()``'s job describes to ``target`` in a child process stopped
    at ``deadline``.

    The child is forked first and capped in memory, so that it imports WeasyPrint (a third of
    a second) while this process reads the database, builds the print HTML and checks the text
    against the fonts: the machine has two cores. The job reaches the child through a pipe. A
    child process can be stopped at any point, also inside Pango's C code, and takes its
    memory with it when it ends. Every WeasyPrint run of the site goes through here.
    """
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux
        logger.warning("no fork() on this platform: rendering without a time limit")
        job, sources = build()
        _rendering().check_glyphs(sources)
        target.write_bytes(_pdf_writer().pdf_from_html(job, sources=sources))
        return
    context = multiprocessing.get_context("fork")
    job_reader, job_writer = context.Pipe(duplex=False)
    reader, writer = context.Pipe(duplex=False)
    memory_limit = _memory_cap_bytes()
    process = context.Process(
        target=_child_render, args=(job_reader, str(target), writer, memory_limit),
        daemon=True,
    )
    # The objects of Django and the project, frozen, are never scanned by the child's garbage
    # collector (nor their pages copied by it): a few per cent of the render's CPU.
    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()
    job_reader.close()
    writer.close()
    try:
        try:
            job, sources = build()
            _rendering().check_glyphs(sources)
            # Blocks until the child, done importing, reads it (the pipe holds 64 KB).
            job_writer.send((job, sources))
        finally:
            job_writer.close()
        if not reader.poll(max(0.0, deadline - time.monotonic())):
            raise RenderTimeout(
                f"the render was stopped after {time.monotonic() - started:.1f} s "
                f"(time limit; settings.BULLETIN_RENDER_TIMEOUT)"
            )
        try:
            status, payload = reader.recv()
        except EOFError:
            process.join(5)
            if memory_limit is not None and process.exitcode in _ALLOCATION_FAILURE_SIGNALS:
                # C code stops the process when an allocation fails (GLib traps or aborts,
                # cairo may crash); the kernel's OOM killer kills.
                raise _out_of_memory(memory_limit, signal.Signals(-process.exitcode).name
                                     ) from None
            raise RenderError(
                f"the renderer process ended without a result (exit code {process.exitcode})"
            ) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        reader.close()
    if status == "glyphs":
        raise MissingGlyphsError(payload)
    if status == "memory":
        raise _out_of_memory(memory_limit)
    if status == "depth":
        raise RenderError("the document nests too deeply to lay out (RecursionError)")
    if status != "ok":
        raise RenderError(f"the PDF could not be rendered: {payload}")


def _replace_dir(new: Path, target: Path) -> None:
    """Move the folder ``new`` to ``target``, replacing what is there; undone on failure."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def issue_render(*, issue: Issue, pdf_path: Path | str | None = None,
                 html_dir: Path | str | None = None, print_mode: bool = False,
                 timeout: float | None = None) -> RenderResult:
    """Render ``issue`` to a PDF and/or an HTML edition folder, all or nothing.

    The editions the site serves are made by ``issue_publish`` below, which calls this with its
    own (staging) targets. Raises ``MissingGlyphsError`` (naming the article), ``RenderTimeout``
    or ``RenderError``; the files already in place are then left untouched.
    """
    started = time.monotonic()
    limit = settings.BULLETIN_RENDER_TIMEOUT if timeout is None else timeout
    deadline = started + limit
    if pdf_path is None and html_dir is None:
        raise ValueError("issue_render needs a PDF file, an HTML folder, or both")
    pdf_target = Path(pdf_path).resolve() if pdf_path is not None else None
    html_target = Path(html_dir).resolve() if html_dir is not None else None

    pdf_temp = html_temp = None
    pages = 0
    try:
        if pdf_target is not None:
            pdf_target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=".issue-", suffix=".pdf.part",
                                            dir=pdf_target.parent)
            os.close(handle)
            pdf_temp = Path(name)
            _render_pdf_file(
                lambda: _rendering().issue_render_input(issue, print_mode=print_mode),
                pdf_temp, deadline, started)
            pages = _pdf_page_count(pdf_temp)
            if pages < 1:
                raise RenderError("the rendered PDF has no pages")
        if html_target is not None:
            html_target.parent.mkdir(parents=True, exist_ok=True)
            html_temp = Path(tempfile.mkdtemp(prefix=f".{html_target.name}-",
                                              dir=html_target.parent))
            _rendering().edition_write(issue, html_temp)
            if time.monotonic() > deadline:
                raise RenderTimeout(f"the render took longer than its limit of {limit} s")
        if pdf_temp is not None:
            pdf_temp.chmod(0o644)
            os.replace(pdf_temp, pdf_target)
            pdf_temp = None
        if html_temp is not None:
            html_temp.chmod(0o755)
            _replace_dir(html_temp, html_target)
            html_temp = None
    finally:
        if pdf_temp is not None:
            pdf_temp.unlink(missing_ok=True)
        if html_temp is not None:
            shutil.rmtree(html_temp, ignore_errors=True)
    return RenderResult(pdf_target, html_target, pages, time.monotonic() - started)


# --------------------------------------------------------------------------- article preview

def article_preview_pdf(article, *, timeout: float | None = None) -> bytes:
    """One article on printed pages, rendered like an issue: in a child process with the time
    limit and the memory cap, so that no body can take the web process down with it."""
    started = time.monotonic()
    limit = settings.BULLETIN_RENDER_TIMEOUT if timeout is None else timeout
    handle, name = tempfile.mkstemp(prefix=".preview-", suffix=".pdf.part")
    os.close(handle)
    target = Path(name)
    try:
        _render_pdf_file(lambda: _rendering().article_preview_job(article), target,
                         started + limit, started)
        return target.read_bytes()
    finally:
        target.unlink(missing_ok=True)


# --------------------------------------------------------------------------- print-shop file

def issue_print_file(*, issue: Issue):
    """The print-shop PDF (PDF/X-4) of the issue as it stands, rendered once per content
    fingerprint into the issue's folder; older print files of the issue are removed. On
    object storage: a ``StoredFile`` under the same key, uploaded whole (one PUT)."""
    from publishing.rendering.selectors import issue_content_hash

    fingerprint = issue_content_hash(issue)[:16]
    relative = f"{issue.publication.slug}/{issue.number}/print"
    name = f"{issue.publication.slug}-{issue.number}-print-{fingerprint}.pdf"
    if filestore.on_object_storage("editions"):
        return _stored_print_file(issue, relative, name)
    folder = Path(settings.EDITIONS_ROOT) / relative
    target = folder / name
    if not target.is_file():
        issue_render(issue=issue, pdf_path=target, print_mode=True)
        for old in folder.glob("*-print-*.pdf"):
            if old != target:
                old.unlink(missing_ok=True)
    return target


def _stored_print_file(issue: Issue, relative: str, name: str) -> filestore.StoredFile:
    store = filestore.storage("editions")
    stored = filestore.StoredFile("editions", f"{relative}/{name}")
    if not store.exists(stored.name):
        with tempfile.TemporaryDirectory(prefix="bulletin-print-") as local:
            pdf = Path(local) / name
            issue_render(issue=issue, pdf_path=pdf, print_mode=True)
            filestore.upload_tree(store, Path(local), relative)
        for old in filestore.walk(store, relative):
            if old != stored.name:
                store.delete(old)
    return stored
