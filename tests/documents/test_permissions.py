"""Every `can_*` of documents.permissions, and notify's and accounts', across the chair, a
delegate, the secretariat, an invited unit's clerk, an outsider, the admin and nobody."""

from __future__ import annotations

import pytest

from ecabinet.accounts import permissions as accounts_can
from ecabinet.documents import permissions as can
from ecabinet.extensions import db
from ecabinet.meetings.models import Confidentiality, MeetingStatus, MeetingUnit
from ecabinet.notify.permissions import can_manage_mail
from tests.documents.test_service import make_document

PEOPLE = ("chair", "member", "secretariat", "clerk", "outsider", "admin", None)


@pytest.fixture
def docs(world):
    """A plain document and one marked for units; the clerk's department is invited."""
    world.meeting.invited_units.append(MeetingUnit(unit_id=world.units["department"].id))
    db.session.commit()
    secretariat = world.users["secretariat"]
    return (make_document(world.meeting, secretariat, title="Noi bo"),
            make_document(world.meeting, secretariat, title="Gui don vi", for_units=True))


def _who(check, obj, world) -> set:
    people = {**world.users, None: None}
    return {name for name in PEOPLE if check(obj, people[name])}


def test_can_view_document(world, docs):
    plain, for_units = docs
    assert _who(can.can_view_document, plain, world) == {"chair", "member", "secretariat"}
    assert _who(can.can_view_document, for_units, world) == {"chair", "member", "secretariat",
                                                            "clerk"}


def test_removed_document_stays_with_the_secretariat(world, docs):
    plain, _ = docs
    from ecabinet.documents import service

    service.remove_document(plain, actor=world.users["secretariat"])
    assert _who(can.can_view_document, plain, world) == {"secretariat"}


def test_can_list_documents_and_manage_them(world, docs):
    assert _who(can.can_list_documents, world.meeting, world) == {"chair", "member",
                                                                 "secretariat", "clerk"}
    assert _who(can.can_manage_documents, world.meeting, world) == {"secretariat"}


def test_downloads_of_a_confidential_meeting_only_when_allowed(world, docs):
    plain, for_units = docs
    assert _who(can.can_download_document, for_units, world) == {"chair", "member",
                                                                "secretariat", "clerk"}
    world.meeting.confidentiality = Confidentiality.CONFIDENTIAL
    assert _who(can.can_download_document, plain, world) == set()
    assert _who(can.can_download_packet, world.meeting, world) == set()
    world.meeting.allow_downloads = True
    assert _who(can.can_download_packet, world.meeting, world) == {"chair", "member",
                                                                  "secretariat", "clerk"}


def test_draft_documents_stay_with_those_who_prepare_it(world, docs):
    plain, for_units = docs
    world.meeting.status = MeetingStatus.DRAFT
    assert _who(can.can_view_document, for_units, world) == {"chair", "secretariat"}


def test_can_manage_mail(world):
    assert _who(can_manage_mail, world.meeting, world) == {"secretariat"}


@pytest.mark.parametrize("check", [accounts_can.can_manage_accounts,
                                   accounts_can.can_manage_units, accounts_can.can_view_audit])
def test_account_administration_is_the_admins(world, check):
    people = {**world.users, None: None}
    assert {name for name in PEOPLE if check(people[name])} == {"admin"}
