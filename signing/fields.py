"""Signature fields and where they sit, for the two-step signing of Decree 30/2020.

The person in authority signs first, the clerk then issues the document with the organisation's
seal signature. Both fields are created before the first signature: filling an empty field that
already existed is "form filling", which the first signature's lock permits, whereas adding a new
field later would be a change that validators may count against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec

from .stamps import MM

__all__ = [
    "SEAL_FIELD",
    "SIGNER_FIELD",
    "FieldBox",
    "FieldSlot",
    "attachment_field",
    "default_signer_box",
    "seal_box_beside",
    "two_step_fields",
]

SIGNER_FIELD = "signer"
SEAL_FIELD = "seal"
A4_WIDTH, A4_HEIGHT = 595.28, 841.89


@dataclass(frozen=True)
class FieldBox:
    """Where a visible signature goes, in PDF points from the page's lower left corner."""

    page: int
    """Page index from 0; negative counts from the end (-1 is the last page)."""
    x1: float
    """Left edge."""
    y1: float
    """Bottom edge."""
    x2: float
    """Right edge."""
    y2: float
    """Top edge."""

    @property
    def rect(self) -> tuple[int, int, int, int]:
        return (round(self.x1), round(self.y1), round(self.x2), round(self.y2))


@dataclass(frozen=True)
class FieldSlot:
    """A signature field to create (empty) before signing."""

    name: str
    """Field name (``signer``, ``seal``, …)."""
    box: FieldBox | None = None
    """Where its stamp goes; ``None`` for an invisible signature."""
    fillable_after: tuple[str, ...] | None = None
    """Which fields may still be filled once this one is signed.

    ``None`` sets no lock; an empty tuple locks every field and permits no change but validation
    data (DocMDP 1); names lock every other field and permit form filling (DocMDP 2).
    """

    def to_spec(self) -> SigFieldSpec:
        """Translate into pyHanko's field specification (lock dictionary included)."""
        lock = perm = None
        if self.fillable_after is not None:
            if self.fillable_after:
                lock = FieldMDPSpec(FieldMDPAction.EXCLUDE, list(self.fillable_after))
                perm = MDPPerm.FILL_FORMS
            else:
                lock = FieldMDPSpec(FieldMDPAction.ALL)
                perm = MDPPerm.NO_CHANGES
        return SigFieldSpec(
            sig_field_name=self.name,
            on_page=self.box.page if self.box else 0,
            box=self.box.rect if self.box else None,
            field_mdp_spec=lock,
            doc_mdp_update_value=perm,
        )


def default_signer_box(page: int = -1) -> FieldBox:
    """The signer block's usual place on an A4 page: right column, above the bottom margin."""
    return FieldBox(page, A4_WIDTH - 20 * MM - 200, 60 * MM, A4_WIDTH - 20 * MM, 60 * MM + 80)


def seal_box_beside(signer: FieldBox, diameter_mm: float = 36.0) -> FieldBox:
    """Put the seal over about the left third of the signer's stamp, vertically centred on it."""
    d = diameter_mm * MM
    right = signer.x1 + (signer.x2 - signer.x1) / 3
    middle = (signer.y1 + signer.y2) / 2
    return FieldBox(signer.page, right - d, middle - d / 2, right, middle + d / 2)


def two_step_fields(
    signer_box: FieldBox | None = None,
    *,
    visible: bool = True,
    seal_diameter_mm: float = 36.0,
) -> tuple[FieldSlot, FieldSlot]:
    """Return the signer and seal fields, so that both exist before the first signature.

    The signer's signature locks everything except the seal field; the seal's signature locks
    everything.
    """
    if not visible:
        return (
            FieldSlot(SIGNER_FIELD, None, (SEAL_FIELD,)),
            FieldSlot(SEAL_FIELD, None, ()),
        )
    box = signer_box or default_signer_box()
    return (
        FieldSlot(SIGNER_FIELD, box, (SEAL_FIELD,)),
        FieldSlot(SEAL_FIELD, seal_box_beside(box, seal_diameter_mm), ()),
    )


def attachment_field(
    page_width: float = A4_WIDTH, page_height: float = A4_HEIGHT
) -> FieldSlot:
    """The organisation's field on an attached file: top right of page 1, then locked."""
    right, top = page_width - 15 * MM, page_height - 8 * MM
    return FieldSlot(SEAL_FIELD, FieldBox(0, right - 170, top - 28, right, top), ())
