"""Shared input handling: open a PDF for pyHanko, and hand certificates to asn1crypto."""

from __future__ import annotations

import binascii
import functools
import io
import re

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic as _generic
from pyhanko.pdf_utils import misc as _misc
from pyhanko.pdf_utils.misc import PDF_DELIMITERS, PDF_WHITESPACE, PdfError, PdfStreamError

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


_HEX_DIGITS = b"0123456789abcdefABCDEF"
_WHITESPACE = bytes(PDF_WHITESPACE)
_pyhanko_read_hex = _generic.read_hex_string_from_stream


def _read_hex_string(stream):
    """pyHanko's hex string reader, reading in blocks instead of one byte at a time.

    A signature's /Contents is a hex string of tens of kilobytes; pyHanko read it a byte at a
    time whenever the signature dictionary was loaded (to read a lock, to sign, to verify), which
    was a large share of each. Same result and errors; an unusual string (a comment inside) is
    left to pyHanko's own reader.
    """
    start = stream.tell()
    stream.read(1)  # the "<"
    parts = []
    while True:
        block = stream.read(16384)
        if not block:
            raise PdfStreamError("Stream ended prematurely")
        end = block.find(b">")
        if end < 0:
            parts.append(block)
            continue
        parts.append(block[:end])
        stream.seek(end + 1 - len(block), io.SEEK_CUR)
        break
    digits = b"".join(parts).translate(None, _WHITESPACE)
    if digits.translate(None, _HEX_DIGITS):
        stream.seek(start)
        return _pyhanko_read_hex(stream)  # its own message (or a comment it skips)
    if len(digits) % 2:
        digits += b"0"
    return _generic.pdf_string(binascii.unhexlify(digits))


_generic.read_hex_string_from_stream = _read_hex_string


_DELIMITER = re.compile(b"[" + re.escape(bytes(PDF_WHITESPACE + PDF_DELIMITERS)) + b"]")


def _read_until_delimiter(stream) -> bytes:
    """pyHanko's ``read_until_delimiter`` (names, numbers, keywords), in blocks, not bytes.

    Same contract: return what comes before the next delimiter or whitespace and leave the
    stream on that character (at the end of the stream when there is none).
    """
    parts = []
    while True:
        block = stream.read(64)
        if not block:
            return b"".join(parts)
        found = _DELIMITER.search(block)
        if found is None:
            parts.append(block)
            continue
        parts.append(block[:found.start()])
        stream.seek(found.start() - len(block), io.SEEK_CUR)
        return b"".join(parts)


_misc.read_until_delimiter = _read_until_delimiter
_generic.read_until_delimiter = _read_until_delimiter


_asn1_string_prep = asn1_x509.NameTypeAndValue._ldap_string_prep


@functools.lru_cache(maxsize=4096)
def _ldap_string_prep(string: str) -> str:
    return _asn1_string_prep(None, string)


def _cached_string_prep(_self, string: str) -> str:
    """asn1crypto's RFC 4518 preparation of a name's value, remembered per string.

    Checking a signature compares the issuer's name of each certificate with the ones the CMS
    names (ESS certificate ids, issuer and serial) several times; each comparison prepared every
    value again, character by character through ``stringprep``: a fifth of a verification. The
    preparation depends only on the string (it raises ValueError for the same strings), so the
    result is the same.
    """
    return _ldap_string_prep(string)


asn1_x509.NameTypeAndValue._ldap_string_prep = _cached_string_prep
