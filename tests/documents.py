"""Small documents made byte by byte as their formats say, for the attachment tests: a PDF
with a text layer, Word, PowerPoint and OpenDocument archives, and hostile ones."""

import io
import zipfile


def pdf(*lines: str) -> bytes:
    """A one-page PDF whose text layer holds `lines` (Latin-1, Helvetica)."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _archive(parts: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(*paragraphs: str, doctype: str = "") -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return _archive(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
            f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
        }
    )


def pptx(*slides: str) -> bytes:
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    parts = {"[Content_Types].xml": '<?xml version="1.0"?><Types/>'}
    for number, text in enumerate(slides, start=1):
        parts[f"ppt/slides/slide{number}.xml"] = (
            f'<p:sld xmlns:p="p" xmlns:a="{a}"><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:sld>'
        )
    return _archive(parts)


def odt(*paragraphs: str) -> bytes:
    t = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    return _archive(
        {
            "mimetype": "application/vnd.oasis.opendocument.text",
            "content.xml": f'<office:document-content xmlns:office="o" xmlns:text="{t}">'
            f"<office:body><office:text>{body}</office:text></office:body>"
            "</office:document-content>",
        }
    )


def zip_bomb_odt(unpacked_mb: int = 300) -> bytes:
    """An .odt whose content unpacks to hundreds of megabytes (it weighs a few hundred KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        with archive.open("content.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * 2**20
            for _ in range(unpacked_mb):
                part.write(chunk)
    return out.getvalue()
