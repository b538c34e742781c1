"""Small documents and images made in code, for demos, tests and the benchmark.

Nothing binary is committed: the sample PDFs, the PDF/A-2b skeleton (with an sRGB output intent
made by Pillow) and a handwritten-looking signature PNG are all generated here.
"""

from __future__ import annotations

import io

__all__ = ["pdfa_pdf", "signature_png", "two_page_pdf"]

A4 = (595.28, 841.89)


def _assemble(objects: list[bytes], header: bytes = b"%PDF-1.7") -> bytes:
    """Write objects 1..n with a classic cross-reference table; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(header + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, b"0" * 32, b"0" * 32, xref)
    )
    return out.getvalue()


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(content), extra, content)


def two_page_pdf() -> bytes:
    """Return a two-page A4 PDF with a line of text on each page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents %d 0 R " \
           b"/Resources << /Font << /F1 7 0 R >> >> >>"
    objects += [page % (*A4, 5), page % (*A4, 6)]
    for n in (1, 2):
        objects.append(_stream(b"BT /F1 14 Tf 85 760 Td (Conclusion notice, page %d) Tj ET" % n))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    return _assemble(objects)


_XMP = b"""<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:dc="http://purl.org/dc/elements/1.1/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">PDF/A-2b sample</rdf:li></rdf:Alt></dc:title>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def pdfa_pdf() -> bytes:
    """Return a one-page PDF/A-2b skeleton: XMP identification, sRGB output intent, no fonts."""
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R /OutputIntents [6 0 R] >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] /Contents 4 0 R "
        b"/Resources << >> >>" % A4,
        _stream(b"0 0 0.6 rg 85 700 300 40 re f"),
        _stream(_XMP, b"/Type /Metadata /Subtype /XML"),
        b"<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB) "
        b"/DestOutputProfile 7 0 R >>",
        _stream(icc, b"/N 3"),
    ]
    return _assemble(objects)


def signature_png(name: str = "signature") -> bytes:
    """Draw a blue, handwritten-looking flourish on a transparent background (PNG)."""
    import math

    from PIL import Image, ImageDraw

    width, height = 360, 120
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    seed = sum(map(ord, name)) % 7 + 2
    points = [
        (20 + t * 3.2, 60 + 30 * math.sin(t / seed) * math.cos(t / 17)) for t in range(100)
    ]
    draw.line(points, fill=(20, 40, 160, 255), width=4, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
