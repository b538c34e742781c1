"""What earlier signatures forbid: their field locks (FieldMDP) and document permissions (DocMDP).

A signature that fills a field an earlier one locked, or adds a field it locked, leaves a file in
which validators call the earlier signature invalid, although ``pdfsig`` does not notice. The
signer must therefore ask first, and :func:`check_locks` refuses before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields as pyhanko_fields

from .errors import LockedFieldError

__all__ = ["Lock", "check_locks", "read_locks"]


@dataclass(frozen=True)
class Lock:
    """The restriction one signed field places on the signatures that follow it."""

    field: str
    """The signed field that sets the lock."""
    action: str | None
    """``All``, ``Include`` or ``Exclude`` (FieldMDP), or ``None`` when no field is locked."""
    names: tuple[str, ...] = ()
    """The fields listed with ``Include`` (locked) or ``Exclude`` (left free)."""
    permission: int | None = None
    """DocMDP: 1 permits no change at all, 2 form filling and signing, 3 also annotations."""

    def locks(self, name: str) -> bool:
        """Whether filling or creating the field ``name`` would break this lock."""
        if self.permission == 1:
            return True
        if self.action == "All":
            return True
        if self.action == "Include":
            return name in self.names
        if self.action == "Exclude":
            return name not in self.names
        return False


def _text(value) -> str:
    return str(value).lstrip("/")


def _lock_of(name: str, signature, field) -> Lock | None:
    """Read the lock from what was signed (/Reference), else from the field's /Lock."""
    action, names, permission = None, (), None
    for reference in signature.get("/Reference", ()):
        reference = reference.get_object()
        params = reference.get("/TransformParams", {})
        method = _text(reference.get("/TransformMethod", ""))
        if method == "FieldMDP":
            action = _text(params.get("/Action", "")) or None
            names = tuple(str(n) for n in params.get("/Fields", ()))
            permission = params.get("/P", permission)
        elif method == "DocMDP":
            permission = params.get("/P", 2)
    lock = field.get("/Lock")
    if action is None and lock is not None:
        lock = lock.get_object()
        action = _text(lock.get("/Action", "")) or None
        names = tuple(str(n) for n in lock.get("/Fields", ()))
        permission = lock.get("/P", permission)
    if action is None and permission is None:
        return None
    return Lock(name, action, names, int(permission) if permission is not None else None)


def read_locks(reader: PdfFileReader) -> tuple[Lock, ...]:
    """Return the lock of every signed field, in the order the fields are listed."""
    locks = []
    for name, value, ref in pyhanko_fields.enumerate_sig_fields(reader):
        if value is None:
            continue
        lock = _lock_of(str(name), value.get_object(), ref.get_object())
        if lock is not None:
            locks.append(lock)
    perms = reader.root.get("/Perms")
    if perms is not None and "/DocMDP" in perms.get_object():
        certification = perms.get_object()["/DocMDP"].get_object()
        for reference in certification.get("/Reference", ()):
            params = reference.get_object().get("/TransformParams", {})
            if "/P" in params:
                locks.append(Lock("(certification)", None, (), int(params["/P"])))
    return tuple(locks)


def check_locks(reader: PdfFileReader, target: str, created: Iterable[str] = ()) -> None:
    """Refuse to fill ``target`` (and create ``created``) if an earlier signature forbids it.

    :raises LockedFieldError: naming the field and the signature whose lock would break.
    """
    for lock in read_locks(reader):
        for name in (target, *created):
            if lock.locks(name):
                what = "fill" if name == target else "add"
                raise LockedFieldError(
                    f"signing would {what} the field {name!r}, which the signature in "
                    f"{lock.field!r} locked",
                    field=name,
                    locked_by=lock.field,
                )
