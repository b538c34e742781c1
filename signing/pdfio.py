"""Shared input handling: open a PDF for pyHanko, and hand certificates to asn1crypto."""

from __future__ import annotations

import io

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.misc import PdfError

from .errors import NotAPdfError


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    """pyHanko speaks asn1crypto; our inputs are `cryptography` certificates."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def open_pdf(pdf: bytes, opener):
    """Open `pdf` with a pyHanko reader or incremental writer class, or say why not.

    :raises NotAPdfError: when the bytes are not a PDF pyHanko can read.
    """
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise NotAPdfError("the input does not start with %PDF-")
    try:
        document = opener(io.BytesIO(pdf), strict=False)
        document.root  # noqa: B018 - force the catalog to load
    except (PdfError, ValueError, KeyError, IndexError) as exc:
        raise NotAPdfError(f"the PDF cannot be read: {exc}") from exc
    return document
