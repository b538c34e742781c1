"""Fill the choices of the meeting forms: who may chair, attend, present; which units."""

from __future__ import annotations

from flask_babel import gettext as _

from ecabinet.accounts import service as accounts
from ecabinet.accounts.forms import choices
from ecabinet.accounts.models import RoleKind, User
from ecabinet.meetings.models import Meeting, ParticipantRole
from ecabinet.meetings.service import people_of_body


def _label(user: User) -> str:
    return f"{user.full_name} — {user.position}" if user.position else user.full_name


def fill_meeting_choices(form, body_id: int, meeting: Meeting | None = None):
    """Chairs from the body's leaders, delegates from its members, guests from anyone."""
    chairs = people_of_body(body_id, RoleKind.CHAIR)
    secretaries = people_of_body(body_id, RoleKind.SECRETARIAT)
    members = people_of_body(body_id, RoleKind.MEMBER)
    everyone = accounts.active_users()
    form.chair_id.choices = choices((u.id, _label(u)) for u in chairs)
    form.secretary_id.choices = choices([(0, _("— none —"))]
                                        + [(u.id, _label(u)) for u in secretaries])
    form.delegate_ids.choices = choices((u.id, _label(u)) for u in members)
    form.guest_ids.choices = choices((u.id, _label(u)) for u in everyone)
    form.unit_ids.choices = choices((u.id, u.name)
                                    for u in accounts.list_units(active_only=True))
    if meeting is not None and not form.is_submitted():
        by_role: dict[ParticipantRole, list[int]] = {}
        for participant in meeting.participants:
            by_role.setdefault(participant.role, []).append(participant.user_id)
        form.chair_id.data = (by_role.get(ParticipantRole.CHAIR) or [0])[0]
        form.secretary_id.data = (by_role.get(ParticipantRole.SECRETARY) or [0])[0]
        form.delegate_ids.data = by_role.get(ParticipantRole.DELEGATE, [])
        form.guest_ids.data = by_role.get(ParticipantRole.GUEST, [])
        form.unit_ids.data = [mu.unit_id for mu in meeting.invited_units]
    return form


def fill_agenda_choices(form, meeting: Meeting):
    """A presenter is a participant ("u12") or an invited unit ("o3")."""
    people = [(f"u{p.user_id}", _label(p.user)) for p in meeting.participants]
    units = [(f"o{mu.unit_id}", mu.unit.name) for mu in meeting.invited_units]
    form.presenter.choices = choices([("", _("— none —"))] + people + units)
    return form


def parse_presenter(value: str | None) -> tuple[int | None, int | None]:
    """Return (user id, unit id) from a presenter choice."""
    if value and value[0] in "uo" and value[1:].isdigit():
        return (int(value[1:]), None) if value[0] == "u" else (None, int(value[1:]))
    return None, None
