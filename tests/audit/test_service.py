"""The audit chain: appended in order, and any change, removal or reordering is named."""

from sqlalchemy import select, text, update

from ecabinet.audit import service as audit
from ecabinet.audit.models import AuditEntry
from ecabinet.extensions import db


def _write(n: int) -> None:
    for i in range(n):
        audit.record("test.event", object_type="thing", object_id=i, details={"i": i})
    db.session.commit()


def test_intact_chain_verifies(app):
    _write(5)
    report = audit.verify_chain()
    assert report.ok and report.checked == 5


def test_entries_link_to_the_previous_hash(app):
    _write(3)
    entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == audit.GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash


def test_changed_entry_is_named(app):
    _write(5)
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 3)
                       .values(details='{"i": 99}'))
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and report.problem_seq == 3 and "changed" in report.problem


def test_removed_entry_is_named(app):
    _write(5)
    db.session.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and report.problem_seq == 2 and "missing" in report.problem


def test_removed_last_entry_is_detected(app):
    _write(4)
    db.session.execute(text("DELETE FROM audit_entries WHERE seq = 4"))
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and "after entry 3" in report.problem


def test_reordered_entries_are_named(app):
    _write(5)
    db.session.execute(text("UPDATE audit_entries SET seq = -1 WHERE seq = 2"))
    db.session.execute(text("UPDATE audit_entries SET seq = 2 WHERE seq = 3"))
    db.session.execute(text("UPDATE audit_entries SET seq = 3 WHERE seq = -1"))
    db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and report.problem_seq == 2 and "reordered" in report.problem


def test_cli_verify_exit_codes(app):
    _write(3)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact: 3 entries" in ok.output
    db.session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(action="forged"))
    db.session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "entry 2 was changed" in broken.output


def test_list_entries_filters_by_action_prefix_and_actor(world):
    audit.record("login.ok", actor=world.users["member"])
    audit.record("login.failed", actor=world.users["chair"])
    db.session.commit()
    rows, more = audit.list_entries(audit.AuditFilter(action="login"))
    assert {r.action for r in rows} == {"login.ok", "login.failed"} and not more
    rows, _ = audit.list_entries(audit.AuditFilter(actor="chair"))
    assert [r.action for r in rows] == ["login.failed"]
