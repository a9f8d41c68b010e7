"""Files larger than the platform accepts are dropped while they arrive, never stored first.

Django writes every upload to a temporary file before the view sees it, so a 3 GB upload used
3 GB of disk before being refused. `SizeLimitUploadHandler`, first of the upload handlers,
skips a file as soon as it passes `MAX_UPLOAD_BYTES` (its chunks are read and discarded, the
other handlers' partial copy is deleted) and notes it on the request;
`OversizedUploadMiddleware` then answers in place of the view, so nothing is written.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


class SizeLimitUploadHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            if not hasattr(self.request, "oversized_uploads"):
                self.request.oversized_uploads = []
            self.request.oversized_uploads.append(self.file_name)
            raise SkipFile
        return raw_data  # to the next handler, which keeps it

    def file_complete(self, file_size):
        return None  # the next handler makes the file


class OversizedUploadMiddleware:
    """After the CSRF check, which has read the form: an oversized file stops the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method != "POST" or not request.content_type.startswith("multipart/"):
            return None
        request.FILES  # noqa: B018  (reading it parses the body, through the handler above)
        if not getattr(request, "oversized_uploads", None):
            return None
        context = {
            "files": request.oversized_uploads,
            "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
            "back": request.path,
        }
        return render(request, "413.html", context, status=413)
