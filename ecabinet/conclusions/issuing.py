"""Decree 30's two steps: the chair signs, then the clerk issues (number, date, seal).

Three signature fields are made before the chair's signature, so that the later ones only fill
fields the earlier ones left free (see ``signing.fields``): ``signer`` (locks all but the other
two), ``marks`` (the organisation writes the number and date into the blanks the page left;
locks all but the seal) and ``seal`` (locks everything).

The number is taken at issue from a counter row per body and year, in the same transaction as
the notice's change of state; the unique constraint on (body, year, number) is the last word.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ecabinet.audit import service as audit
from ecabinet.conclusions.errors import SigningFailed, WrongState
from ecabinet.conclusions.models import Conclusion, ConclusionStatus, NumberCounter
from ecabinet.conclusions.numbering import number_text
from ecabinet.conclusions.record_embed import record_bytes
from ecabinet.conclusions.render import Layout, render_notice
from ecabinet.conclusions.service import notice_of
from ecabinet.core.timeutil import to_local, utcnow
from ecabinet.extensions import db
from ecabinet.meetings.models import Meeting
from signing import (
    SEAL_FIELD,
    SIGNER_FIELD,
    FieldBox,
    FieldSlot,
    MarksStamp,
    PlacedText,
    SealStamp,
    Signer,
    SignerStamp,
    SigningError,
    SignRequest,
    message,
    seal_box_beside,
    sign_pdf,
)

MARKS_FIELD = "marks"


def _slots(layout: Layout) -> tuple[FieldSlot, FieldSlot, FieldSlot]:
    signer_box = FieldBox(layout.signer_page, *layout.signer_box)
    return (
        FieldSlot(SIGNER_FIELD, signer_box, (MARKS_FIELD, SEAL_FIELD)),
        FieldSlot(MARKS_FIELD, FieldBox(0, *layout.marks_box), (SEAL_FIELD,)),
        FieldSlot(SEAL_FIELD, seal_box_beside(signer_box, 34.0), ()),
    )


def _refusal(error: SigningError, lang: str = "vi") -> SigningFailed:
    return SigningFailed(message(error.code, lang, detail=error.detail, **error.params))


def sign_conclusion(conclusion: Conclusion, meeting: Meeting, signer: Signer, *, actor,
                    now: dt.datetime | None = None, lang: str = "vi") -> Conclusion:
    """Render the notice with the signer's name and position, and sign it.

    :raises WrongState: the notice is not waiting for the chair.
    :raises SigningFailed: the key or certificate cannot be used (the message says why).
    """
    if conclusion.status != ConclusionStatus.SUBMITTED:
        raise WrongState(_l("Only a notice sent to the chair can be signed."))
    now = now or utcnow()
    name, position = actor.full_name, actor.position or "Chủ tịch"
    notice = notice_of(conclusion, meeting, signer_name=name, signer_position=position)
    # the meeting's record goes in before the signature, so that every signature covers it
    pdf, layout = render_notice(dataclasses.replace(notice, record_json=record_bytes(meeting)))
    slots = _slots(layout)
    request = SignRequest(
        field=SIGNER_FIELD, prepare=slots, signing_time=now,
        stamp=SignerStamp(name=name, position=position),
        reason="Ký ban hành Thông báo kết luận", location=meeting.body.place_name or None)
    try:
        signed = sign_pdf(pdf, request, signer)
    except SigningError as error:
        raise _refusal(error, lang) from error
    conclusion.signed_pdf = signed
    conclusion.layout = layout.as_json()
    conclusion.signer_name, conclusion.signer_position = name, position
    conclusion.signed_by_id, conclusion.signed_at = getattr(actor, "id", None), now
    conclusion.status = ConclusionStatus.SIGNED
    audit.record("conclusion.signed", actor=actor, object_type="conclusion",
                 object_id=conclusion.id,
                 details={"sha256": hashlib.sha256(signed).hexdigest(),
                          "certificate": signer.certificate.subject.rfc4514_string()})
    db.session.commit()
    return conclusion


def next_number(body_id: int, year: int) -> int:
    """Take the body's next number for the year, inside the caller's transaction.

    The UPDATE locks the counter row until the caller commits or rolls back, so a notice that
    fails to issue gives its number back; the first notice of a year inserts the row, and a
    concurrent first insert loses on the primary key and takes the UPDATE path.
    """
    for _attempt in range(3):
        taken = db.session.execute(
            update(NumberCounter)
            .where(NumberCounter.body_id == body_id, NumberCounter.year == year)
            .values(last=NumberCounter.last + 1).returning(NumberCounter.last)
            .execution_options(synchronize_session=False)).scalar_one_or_none()
        if taken is not None:
            return taken
        try:
            with db.session.begin_nested():
                db.session.add(NumberCounter(body_id=body_id, year=year, last=1))
            return 1
        except IntegrityError:
            continue
    raise WrongState(_l("The number could not be assigned; try again."))


def _marks(layout: Layout, number: int, day: dt.date) -> MarksStamp:
    size = layout.font_size
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return MarksStamp(texts=(
        PlacedText(f"{number:02d}", *layout.number_at, size),
        PlacedText(f"{day.day:02d}", *layout.day_at, size),
        PlacedText(month, *layout.month_at, size),
        PlacedText(str(day.year), *layout.year_at, size),
    ))


def issue_conclusion(conclusion: Conclusion, meeting: Meeting, seal: Signer, *, actor,
                     now: dt.datetime | None = None, lang: str = "vi") -> Conclusion:
    """Give the signed notice its number and date and the organisation's seal signature.

    :raises WrongState: the notice is not signed, or another clerk issued it meanwhile.
    :raises SigningFailed: the seal key cannot be used; nothing changes, no number is used.
    """
    now = now or utcnow()
    conclusion_id = conclusion.id
    db.session.commit()  # start the write transaction with the claim below, not with a read
    claimed = db.session.execute(
        update(Conclusion).where(Conclusion.id == conclusion_id,
                                 Conclusion.status == ConclusionStatus.SIGNED)
        .values(status=ConclusionStatus.ISSUED)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.rollback()
        raise WrongState(_l("Only a signed notice can be issued; it may have been issued "
                            "meanwhile."))
    conclusion = db.session.get(Conclusion, conclusion_id, populate_existing=True)
    day = to_local(now).date()
    number = next_number(conclusion.body_id, day.year)
    layout = Layout.from_json(conclusion.layout)
    try:
        marked = sign_pdf(conclusion.signed_pdf, SignRequest(
            field=MARKS_FIELD, stamp=_marks(layout, number, day), signing_time=now,
            reason=f"Cấp số {number_text(number, meeting.body.abbreviation)}"), seal)
        sealed = sign_pdf(marked, SignRequest(
            field=SEAL_FIELD, stamp=SealStamp(body=meeting.body.name, diameter_mm=34.0),
            signing_time=now + dt.timedelta(seconds=1),
            reason="Ban hành"), seal)
    except SigningError as error:
        db.session.rollback()
        raise _refusal(error, lang) from error
    conclusion.number, conclusion.year = number, day.year
    conclusion.issued_pdf = sealed
    conclusion.issued_sha256 = hashlib.sha256(sealed).hexdigest()
    conclusion.issued_by_id, conclusion.issued_at = getattr(actor, "id", None), now
    audit.record("conclusion.issued", actor=actor, object_type="conclusion",
                 object_id=conclusion.id,
                 details={"number": number_text(number, meeting.body.abbreviation),
                          "sha256": conclusion.issued_sha256})
    db.session.commit()
    return conclusion

