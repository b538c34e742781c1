"""The authorisation walk: every route and every socket event, against every role.

A route or event that is not in the tables below fails the test: whoever adds one
must say here who may use it.

The world is built and every role signed in once per module (`walk`); each case runs in a
savepoint that is rolled back (`case`), so a case sees the world as built, whatever the
cases before it changed, at ~0.04 s a case instead of ~0.4 s for a fresh app, world and
sign-in. A case that needs more data (a poll, a document) makes it inside its savepoint.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from flask import url_for
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event

from ecabinet import create_app
from ecabinet.conclusions.models import ConclusionTask
from ecabinet.live.events import LiveNamespace
from tests import shared_engines
from tests.annotations.test_opinions import walk_opinion_id
from tests.conclusions.test_service import (
    FOLLOWUP_ENDPOINTS,
    walk_conclusion_meeting,
    walk_followup_args,
)
from tests.conftest import (
    TEST_CONFIG,
    AuthActions,
    FreshContextClient,
    LiveClient,
    World,
    build_world,
    csrf_token,
    empty_database,
)
from tests.documents.test_service import walk_document_id
from tests.notify.test_catcher import walk_caught_mail_key

ROLES = ("anonymous", "member", "secretariat", "chair", "clerk", "admin", "outsider")
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
ADMIN = frozenset({"admin"})
# The demo meeting: chair and member take part, secretariat prepares it; "outsider" is a
# member of another body (a delegate of other meetings), clerk and admin are not invited.
MEETING = frozenset({"member", "secretariat", "chair"})
SECRETARIAT = frozenset({"secretariat"})
CHAIR = frozenset({"chair"})
CLERK = frozenset({"clerk"})

ROUTES: dict[str, dict[str, frozenset]] = {
    "static": {"GET": EVERYONE},
    "health.healthz": {"GET": EVERYONE},
    "accounts.login": {"GET": EVERYONE, "POST": EVERYONE},
    "accounts.logout": {"POST": SIGNED_IN},
    "accounts.change_password": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "accounts.set_language": {"POST": EVERYONE},
    "admin.users": {"GET": ADMIN},
    "admin.user_new": {"GET": ADMIN, "POST": ADMIN},
    "admin.user_edit": {"GET": ADMIN, "POST": ADMIN},
    "admin.user_set_active": {"POST": ADMIN},
    "admin.units": {"GET": ADMIN},
    "admin.unit_new": {"GET": ADMIN, "POST": ADMIN},
    "admin.unit_edit": {"GET": ADMIN, "POST": ADMIN},
    "admin.unit_set_active": {"POST": ADMIN},
    "audit.entries": {"GET": ADMIN},
    "meetings.home": {"GET": SIGNED_IN},
    "meetings.detail": {"GET": MEETING},
    "meetings.new": {"GET": SECRETARIAT, "POST": SECRETARIAT},
    "meetings.edit": {"GET": SECRETARIAT, "POST": SECRETARIAT},
    "meetings.submit": {"POST": SECRETARIAT},  # on the draft
    "meetings.approve": {"POST": CHAIR},  # on the submitted meeting
    "meetings.return_to_draft": {"POST": CHAIR},  # on the submitted meeting
    "meetings.publish": {"POST": SECRETARIAT},  # on the approved meeting
    "meetings.postpone": {"POST": SECRETARIAT},
    "meetings.cancel": {"POST": SECRETARIAT},
    "agenda.add": {"POST": SECRETARIAT},
    "agenda.update": {"POST": SECRETARIAT},
    "agenda.remove": {"POST": SECRETARIAT},
    "agenda.move": {"POST": SECRETARIAT},
    "agenda.reorder": {"POST": SECRETARIAT},
    "documents.index": {"GET": MEETING},
    "documents.upload": {"POST": SECRETARIAT},
    "documents.replace": {"POST": SECRETARIAT},
    "documents.remove": {"POST": SECRETARIAT},
    "documents.rename": {"POST": SECRETARIAT},
    "documents.viewer": {"GET": MEETING},
    "documents.file": {"GET": MEETING},
    "packets.download": {"GET": MEETING},
    "packets.status": {"GET": MEETING},
    "live.room": {"GET": MEETING},
    "live.display": {"GET": MEETING},
    "polls.votes_pdf": {"GET": MEETING},
    "live.speaking": {"GET": SECRETARIAT | ADMIN},
    "notify.notifications": {"GET": SIGNED_IN},
    "notify.mark_read": {"POST": SIGNED_IN},
    "notify.retry_mails": {"POST": SECRETARIAT},
    "meeting_list.index": {"GET": SIGNED_IN},
    "meeting_rules.rules": {"GET": SECRETARIAT | ADMIN, "POST": SECRETARIAT | ADMIN},
    # the local mail catcher's inbox holds everyone's mail (ecabinet/notify/catcher_views.py)
    "mail_catcher.inbox": {"GET": ADMIN},
    "mail_catcher.message": {"GET": ADMIN},
    # answering invitations (the invited delegate) and reminding (ecabinet/invitations/)
    "invitations.answer": {"POST": frozenset({"member"})},
    "invitations.remind": {"POST": SECRETARIAT},
    "invitations.represented": {"POST": SECRETARIAT},
    # the conclusion notice (ecabinet/conclusions/): the secretariat drafts, the chair signs or
    # returns, the body's clerk issues; in the walk "clerk" is also the province's clerk
    "conclusions.view": {"GET": MEETING | CLERK},
    "conclusions.start": {"POST": SECRETARIAT},
    "conclusions.edit": {"GET": SECRETARIAT, "POST": SECRETARIAT},
    "conclusions.submit": {"POST": SECRETARIAT},
    "conclusions.preview": {"GET": SECRETARIAT | CHAIR | CLERK},
    "conclusions.edxml": {"GET": SECRETARIAT | CHAIR | CLERK},  # issued only, else a redirect
    "conclusions.sign": {"GET": CHAIR, "POST": CHAIR},
    "conclusions.return_draft": {"POST": CHAIR},
    "conclusions.issue": {"POST": CLERK},
    "conclusions.to_issue": {"GET": CLERK},
    "conclusions.verify": {"GET": EVERYONE, "POST": EVERYONE},  # the public check of a notice
    "conclusions.verify_number": {"GET": EVERYONE},  # the public look-up by number
    # after issue (ecabinet/conclusions/followup_views.py): units' clerks receive, acknowledge,
    # report on tasks; "outsider" is there a clerk of another unit (the ward), refused each
    # object of the department; the body's secretariat and leaders follow, the secretariat
    # resends and reviews tasks; the webhook's download link carries its own token
    "conclusions.inbox": {"GET": CLERK | {"outsider"}},
    "conclusions.received": {"GET": CLERK | SECRETARIAT | CHAIR},
    "conclusions.received_pdf": {"GET": CLERK | SECRETARIAT | CHAIR},
    "conclusions.acknowledge": {"POST": CLERK},
    "conclusions.download": {"GET": EVERYONE},
    "conclusions.dispatch_status": {"GET": SECRETARIAT | CHAIR},
    "conclusions.resend": {"POST": SECRETARIAT},
    "conclusions.tasks_list": {"GET": CLERK | {"outsider"}},
    "conclusions.task": {"GET": CLERK | SECRETARIAT | CHAIR, "POST": CLERK},
    "conclusions.accept_task": {"POST": SECRETARIAT},
    "conclusions.reopen_task": {"POST": SECRETARIAT},
    "conclusions.report_file": {"GET": CLERK | SECRETARIAT | CHAIR},
    "conclusions.follow_up": {"GET": SECRETARIAT | CHAIR},
    "conclusions.unit_webhook": {"GET": ADMIN, "POST": ADMIN},
    "conclusions.propose_review": {"POST": SECRETARIAT},
    "conclusions.dispatch_now": {"POST": CLERK},  # the body's clerk, for a notice not sent
    # a reader's own annotations (ecabinet/annotations/): whoever reads the document, each
    # seeing only their own; opinions go from participants to the secretariat
    "annotations.index": {"GET": MEETING},
    "annotations.save": {"POST": MEETING},
    "annotations.delete": {"POST": MEETING},
    "annotations.export": {"GET": MEETING},
    "annotations.changes": {"GET": MEETING},
    "annotations.my_notes": {"GET": SIGNED_IN},
    "opinions.send": {"POST": frozenset({"member", "chair"})},
    "opinions.answered": {"POST": SECRETARIAT},
}
# Workflow steps are tried on a meeting in the state the step starts from; the rest on the
# published meeting. Who may see that meeting is told 403 when refused, everyone else 404.
ON_MEETING = {"meetings.submit": "draft", "meetings.approve": "submitted",
              "meetings.return_to_draft": "submitted", "meetings.publish": "approved"}
SEES = {"meeting": MEETING, "submitted": frozenset({"secretariat", "chair"}),
        "draft": frozenset({"secretariat", "chair"}),
        "approved": frozenset({"secretariat", "chair"})}
OBJECT_ARGS = {"meeting_id", "item_id", "document_id", "dispatch_id", "task_id"}
# A notice's dispatch and tasks are seen by the units' clerks and the body's secretariat and
# leaders (not by the meeting's delegates): others are told 404.
FOLLOWS = frozenset({"clerk", "secretariat", "chair"})

RUN_ROOM = frozenset({"secretariat", "chair"})
SOCKET_EVENTS: dict[str, frozenset] = {
    "connect": SIGNED_IN,
    "whoami": SIGNED_IN,
    "subscribe_meeting": MEETING,
    # the room and its votes (ecabinet/live/room_events.py, ecabinet/voting/events.py)
    "room_join": MEETING,
    "check_in": MEETING,
    "ask_to_speak": MEETING,
    "withdraw_request": MEETING,
    "mark_attendance": RUN_ROOM,
    "start_meeting": RUN_ROOM,
    "end_meeting": RUN_ROOM,
    "take_item": RUN_ROOM,
    "present": RUN_ROOM,
    "give_floor": RUN_ROOM,
    "end_floor": RUN_ROOM,
    "open_poll": CHAIR,
    "close_poll": CHAIR,
    "cast_ballot": MEETING,
    # the secretariat follows the answers to invitations (ecabinet/invitations/events.py)
    "invitations_watch": SECRETARIAT,
    # saving one's own annotations over the socket (ecabinet/annotations/events.py)
    "annotation_save": MEETING,
    "annotation_delete": MEETING,
}
# A refusal of access; any other error (a state, an eligibility) means access was granted.
ACCESS_ERRORS = {"forbidden", "not_found", "unauthenticated"}


def _url_args(world, endpoint: str) -> dict:
    meeting = getattr(world, ON_MEETING.get(endpoint, "meeting"))
    return {"filename": "css/app.css", "user_id": world.users["clerk"].id,
            "unit_id": world.units["department"].id, "meeting_id": meeting.id,
            "item_id": world.item.id, "step": "postpone", "direction": "up",
            **({"document_id": walk_document_id(world)}
               if endpoint.startswith(("documents.", "annotations.")) else {}),
            "client_id": "00000000-0000-4000-8000-000000000001",
            **({"opinion_id": walk_opinion_id(world)} if endpoint.startswith("opinions.")
               else {}),
            **({"key": walk_caught_mail_key()} if endpoint.startswith("mail_catcher.") else {}),
            **({"meeting_id": walk_conclusion_meeting(world, endpoint)}
               if endpoint.startswith("conclusions.") else {}),
            **(walk_followup_args(world) if endpoint in FOLLOWUP_ENDPOINTS else {})}


def test_every_route_is_in_the_table(tmp_path):
    app = create_app({**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = {rule.endpoint: rule.methods - {"HEAD", "OPTIONS"} for rule in app.url_map.iter_rules()}
    missing = {e: m for e, m in found.items() if set(ROUTES.get(e, {})) != m}
    assert not missing, f"routes without (or with wrong) entries in ROUTES: {missing}"
    assert not set(ROUTES) - set(found), "ROUTES names routes that no longer exist"


def test_every_socket_event_is_in_the_table():
    import ecabinet.live.features  # noqa: F401 - registers the features' events
    from ecabinet.live.handlers import registered_events

    handlers = {name[3:] for name in dir(LiveNamespace) if name.startswith("on_")}
    assert handlers | registered_events() == set(SOCKET_EVENTS)


def _socket_payload(world, event: str):
    """The event's data on the world's published meeting (a poll opened for poll events)."""
    data = {"meeting_id": world.meeting.id, "item_id": world.item.id, "request_id": 1,
            "user_id": world.users["member"].id, "presence": "present",
            "question": "Thông qua?", "choices": [0], "token": "walk-token-0001"}
    if event.startswith("annotation_"):
        data.update(document_id=walk_document_id(world), client_id=str(uuid.uuid4()),
                    annotation={"client_id": str(uuid.uuid4()), "kind": "note", "page": 1})
    if event in ("cast_ballot", "close_poll"):
        from ecabinet.voting import service as voting

        poll = voting.open_poll(world.meeting, voting.PollData("Thông qua?"), actor=None,
                                override_quorum=True)
        data["poll_id"] = poll.id
    return data


class _JoinedSession(FlaskSession):
    """A session on the walk's one connection, whatever the model: its commits only release
    a savepoint inside the test's transaction."""

    def get_bind(self, *args, **kwargs):
        return self.bind


def _sqlite_savepoints(engine) -> None:
    """Let pysqlite nest savepoints in a real transaction (SQLAlchemy's documented recipe):
    the driver otherwise starts none, and releasing the first savepoint would commit."""

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")


class _WalkBallotWriter:
    """Ballots written at once into the walk's one connection, in the case's savepoint. The
    real writer's own connection would wait for the walk's transaction, which never commits:
    15 s a case until the database gave up. The writer itself is tested in tests/voting and
    tests/live/test_vote_faults.py; the walk asks only who may cast."""

    def __init__(self, app, connection):
        from ecabinet.voting.writer import BallotWriter

        self.writer, self.connection = BallotWriter(app), connection

    def submit(self, job):
        self.writer._write_here(self.connection, [job])
        if isinstance(job.outcome, Exception):
            raise job.outcome
        return job


@dataclass
class Walk:
    """One app, one world and one signed-in session per role, prepared once for the module."""

    app: object
    connection: object
    ids: dict
    cookies: dict

    def world(self) -> World:
        """The prepared world, loaded into the current test's session."""
        from ecabinet.accounts.models import Unit, User
        from ecabinet.documents.models import Document
        from ecabinet.extensions import db
        from ecabinet.meetings.models import AgendaItem, Meeting

        get = db.session.get
        world = World(units={k: get(Unit, v) for k, v in self.ids["units"].items()},
                      users={k: get(User, v) for k, v in self.ids["users"].items()},
                      meeting=get(Meeting, self.ids["meeting"]),
                      item=get(AgendaItem, self.ids["item"]),
                      **{name: get(Meeting, self.ids[name])
                         for name in ("submitted", "draft", "approved")})
        world.document = get(Document, self.ids["document"])
        return world

    def client(self, role: str):
        """A test client carrying the role's session cookie (none for the anonymous)."""
        client = self.app.test_client()
        if role in self.cookies:
            cookie = self.cookies[role]
            client.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
        return client


@pytest.fixture(scope="module")
def walk(database_url, tmp_path_factory):
    """Build the world and sign every role in once; each case then runs inside a savepoint
    that is rolled back, instead of a new app, a new world and a sign-in over HTTP per case.
    Every session of the module is bound to one connection whose transaction never commits."""
    from ecabinet.extensions import db

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url,
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("walk") / "instance"),
                      # broadcast in the request, not from a thread that would share the connection
                      "LIVE_BROADCAST_INTERVAL": 0,
                      # its listeners (savepoints on SQLite) stay with the walk's own engine
                      shared_engines.OWN_ENGINE: True})
    app.test_client_class = FreshContextClient
    original_session = db.session
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_savepoints(db.engine)
        empty_database()
        db.session.remove()
        connection = db.engine.connect()
        transaction = connection.begin()
        db.session = db._make_scoped_session(
            {"class_": _JoinedSession, "bind": connection,
             "join_transaction_mode": "create_savepoint"})
        app.extensions["ecabinet_ballot_writer"] = _WalkBallotWriter(app, connection)
        try:
            world = build_world()
            ids = {"units": {k: u.id for k, u in world.units.items()},
                   "users": {k: u.id for k, u in world.users.items()},
                   "document": walk_document_id(world),
                   **{name: getattr(world, name).id
                      for name in ("meeting", "item", "submitted", "draft", "approved")}}
            db.session.remove()
            cookies = {}
            for role in SIGNED_IN:
                client = app.test_client()
                assert AuthActions(client).login(role).status_code == 302, role
                cookies[role] = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
            yield Walk(app, connection, ids, cookies)
        finally:
            db.session.remove()
            db.session = original_session
            transaction.rollback()
            connection.close()
            db.engine.dispose()


@pytest.fixture
def case(walk):
    """One case of the walk: its writes are undone when it ends."""
    from ecabinet.extensions import db

    savepoint = walk.connection.begin_nested()
    try:
        with walk.app.app_context():
            yield walk
            db.session.remove()
    finally:
        savepoint.rollback()


CASES = [(endpoint, method, role, role in allowed)
         for endpoint, methods in sorted(ROUTES.items())
         for method, allowed in sorted(methods.items())
         for role in ROLES]


@pytest.mark.parametrize("endpoint, method, role, allowed", CASES,
                         ids=[f"{e}-{m}-{r}" for e, m, r, _a in CASES])
def test_route_access(case, endpoint, method, role, allowed):
    app, world, client = case.app, case.world(), case.client(role)
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = url_for(endpoint, **{k: v for k, v in _url_args(world, endpoint).items()
                                   if k in rule.arguments})
    data = {"csrf_token": csrf_token(client)} if method == "POST" else None
    response = client.open(url, method=method, data=data)
    response.close()  # static files are streamed from an open file
    location = response.headers.get("Location", "")
    refused = response.status_code in (401, 403, 404) or "/login?next=" in location
    if allowed:
        assert not refused, f"{role} was refused {method} {url}: {response.status_code}"
        assert response.status_code < 500
    else:
        assert refused, f"{role} was let through {method} {url}: {response.status_code}"
        # the body's clerk sees a notice of a meeting she does not take part in
        sees = SEES[ON_MEETING.get(endpoint, "meeting")] | (
            CLERK if endpoint.startswith("conclusions.") else frozenset())
        if {"dispatch_id", "task_id"} & set(rule.arguments) and "meeting_id" not in \
                rule.arguments:
            sees = FOLLOWS
        hidden = OBJECT_ARGS & set(rule.arguments) and role not in sees
        expected = 302 if role == "anonymous" else 404 if hidden else 403
        assert response.status_code == expected, f"{role} {method} {url}"


SOCKET_CASES = [(event, role, role in allowed) for event, allowed in sorted(SOCKET_EVENTS.items())
                for role in ROLES]


@pytest.mark.parametrize("event, role, allowed", SOCKET_CASES,
                         ids=[f"{e}-{r}" for e, r, _a in SOCKET_CASES])
def test_socket_event_access(case, event, role, allowed):
    app, world, client = case.app, case.world(), case.client(role)
    live = LiveClient(app, client)
    if event == "connect":
        assert live.connected == allowed
        return
    if role == "anonymous":
        assert not live.connected and not allowed
        return
    payload = None if event == "whoami" else _socket_payload(world, event)
    ack = live.call(event, payload)
    if allowed:
        assert ack.get("error") not in ACCESS_ERRORS, ack
    else:
        assert ack["error"] in ("forbidden", "not_found"), ack
    live.disconnect()


COOPERATING = {("conclusions.task", "GET"): True, ("conclusions.task", "POST"): True,
               ("conclusions.report_file", "GET"): True,
               ("conclusions.accept_task", "POST"): False,
               ("conclusions.reopen_task", "POST"): False}


@pytest.mark.parametrize("endpoint, method, allowed",
                         [(e, m, a) for (e, m), a in sorted(COOPERATING.items())],
                         ids=[f"{e}-{m}" for e, m in sorted(COOPERATING)])
def test_a_cooperating_units_clerk_reports_but_does_not_review(case, endpoint, method, allowed):
    """The walk's task has no co-operating unit; here the ward ("outsider" is its clerk)
    co-operates on it: its clerk sees the task and reports on it, and may not accept or
    reopen it."""
    from ecabinet.extensions import db

    app, world, client = case.app, case.world(), case.client("outsider")
    args = _url_args(world, endpoint)
    task = db.session.get(ConclusionTask, args["task_id"])
    task.cooperating_unit_ids = [world.units["ward"].id]
    db.session.commit()
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        url = url_for(endpoint, **{k: v for k, v in args.items() if k in rule.arguments})
    data = {"csrf_token": csrf_token(client), "text": "Phường đã rà soát."} \
        if method == "POST" else None
    response = client.open(url, method=method, data=data)
    if allowed:
        assert response.status_code in (200, 302), f"{method} {url}: {response.status_code}"
    else:
        assert response.status_code == 403, f"{method} {url}: {response.status_code}"
