"""Documents made as PDF by the worker (WeasyPrint), one file per version of what they show:
the page asking for one gets it at once when it exists, or queues it once and waits."""

from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.shortcuts import render
from django.template.loader import render_to_string

from . import jobs
from .files import attachment_response


def write_pdf(*, template: str, context: dict, target: Path) -> str:
    """Render `template` into `target` (written aside, then moved in place); older versions
    (same name before the last dash) are removed. Returns the file's name.

    WeasyPrint (Pango) takes half a second to import: only the worker making a PDF pays it,
    not every web process and command at start-up."""
    from weasyprint import HTML

    target.parent.mkdir(parents=True, exist_ok=True)
    html = render_to_string(template, context)
    partial = target.with_suffix(".part")
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(partial)
    partial.replace(target)
    stem = target.stem.rsplit("-", 1)[0]
    for old in target.parent.glob(f"{stem}-*.pdf"):
        if old != target:
            old.unlink(missing_ok=True)
    return target.name


def serve_or_queue(request, *, path: Path, filename: str, task, args: tuple, page: dict):
    """The PDF when it is made; else a waiting page (202) that asks again every two seconds,
    the task queued once per version. `page`: title, back_url, back_label, pdf_url."""
    context = {**page, "ready": path.exists()}
    if request.GET.get("etat"):  # the waiting page asks whether it is ready
        return render(request, "core/_pdf_status.html", context)
    if path.exists():
        relative = path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()
        return attachment_response(File(path.open("rb"), name=relative), filename=filename)
    if cache.add(f"pdf-asked:{path.name}", True, 300):
        jobs.enqueue(task, *args)
    context["ready"] = path.exists()  # made at once when the queue runs tasks immediately
    return render(
        request, "core/pdf_waiting.html", context, status=200 if context["ready"] else 202
    )
