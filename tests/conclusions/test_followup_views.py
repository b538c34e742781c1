"""The pages after issue, over HTTP: the unit's inbox and receipt, a task's report (a refused
file says why and keeps the text), the secretariat's dispatch page, the webhook's secret."""

from __future__ import annotations

import io

from ecabinet.conclusions import dispatch
from ecabinet.conclusions.models import TaskStatus
from ecabinet.extensions import db
from tests.conclusions.dispatching import issued
from tests.conclusions.test_service import NOW
from tests.conftest import csrf_token
from tests.documents.conftest import one_page


def _dispatched(world, keys):
    conclusion = issued(world, keys)
    dispatch.dispatch_conclusion(conclusion, world.meeting, actor=None, now=NOW)
    return conclusion


def test_clerk_finds_the_notice_acknowledges_and_the_secretariat_sees_it(client, auth, world,
                                                                          keys):
    conclusion = _dispatched(world, keys)
    row = dispatch.dispatches_of(conclusion)[0]
    auth.login("clerk")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/inbox"' in page and 'href="/tasks"' in page  # the menu offers both
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Thông báo số 01/TB-UBND" in inbox and "Chưa xác nhận" in inbox
    assert client.get(f"/inbox/{row.id}").status_code == 200
    pdf = client.get(f"/inbox/{row.id}/notice.pdf")
    assert pdf.data == conclusion.issued_pdf
    response = client.post(f"/inbox/{row.id}/acknowledge",
                           data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "Đã xác nhận nhận thông báo." in response.get_data(as_text=True)
    auth.logout()
    auth.login("secretariat")
    status = client.get(f"/meetings/{world.meeting.id}/conclusion/dispatch").get_data(
        as_text=True)
    assert "Phan Văn Tài" in status  # who acknowledged
    assert "Đơn vị chưa có văn thư trên eCabinet" in status  # the ward: failed, in words
    assert "1/2 đơn vị đã xác nhận nhận thông báo." in status


def test_a_refused_report_file_says_why_and_keeps_the_text(client, auth, world, keys):
    conclusion = _dispatched(world, keys)
    task = conclusion.sections[0].tasks[0]
    auth.login("clerk")
    response = client.post(f"/tasks/{task.id}", data={
        "csrf_token": csrf_token(client), "text": "Đã làm xong phần 1.", "done": "1",
        "file": (io.BytesIO(b"MZ not a pdf"), "bao-cao.pdf")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Đã làm xong phần 1." in page and "PDF" in page
    db.session.expire_all()
    assert task.reports == [] and task.status == TaskStatus.OPEN
    response = client.post(f"/tasks/{task.id}", data={
        "csrf_token": csrf_token(client), "text": "Đã làm xong.", "done": "1",
        "file": (io.BytesIO(one_page()), "bao-cao.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    (report,) = task.reports
    assert task.status == TaskStatus.DONE
    file = client.get(f"/tasks/{task.id}/reports/{report.id}/file")
    assert file.status_code == 200 and file.data.startswith(b"%PDF")


def test_a_cooperating_clerk_reports_and_the_secretariat_sees_both(client, auth, world, keys):
    from ecabinet.accounts.models import RoleAssignment, RoleKind

    conclusion = _dispatched(world, keys)
    task = conclusion.sections[0].tasks[0]
    world.users["outsider"].roles.append(RoleAssignment(role=RoleKind.CLERK,
                                                        unit_id=world.units["ward"].id))
    db.session.commit()
    auth.login("outsider")  # the ward's clerk: the ward co-operates on the task
    listed = client.get("/tasks").get_data(as_text=True)
    assert "Hoàn thiện báo cáo, trình UBND tỉnh." in listed
    assert "Đơn vị phối hợp; Sở Tài chính chủ trì" in listed
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'name="text"' in page and 'name="done"' not in page  # reports, cannot close
    response = client.post(f"/tasks/{task.id}", data={
        "csrf_token": csrf_token(client), "text": "Phường đã rà soát số liệu.", "done": "1"})
    assert response.status_code == 422  # a forged "done" is refused, nothing saved
    db.session.expire_all()
    assert task.reports == []
    response = client.post(f"/tasks/{task.id}", data={
        "csrf_token": csrf_token(client), "text": "Phường đã rà soát số liệu."})
    assert response.status_code == 302
    accept = client.post(f"/tasks/{task.id}/accept", data={"csrf_token": csrf_token(client)})
    assert accept.status_code == 403
    auth.logout()
    auth.login("clerk")
    client.post(f"/tasks/{task.id}", data={"csrf_token": csrf_token(client),
                                           "text": "Sở đã dự thảo báo cáo."})
    auth.logout()
    auth.login("secretariat")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Phường đã rà soát số liệu." in page and "Sở đã dự thảo báo cáo." in page
    assert 'class="cooperating"' in page and "UBND phường Một" in page
    follow = client.get("/conclusions/follow-up").get_data(as_text=True)
    assert "Phối hợp · UBND phường Một" in follow


def test_a_wrong_download_link_says_so_in_words(client, world, keys):
    from ecabinet.conclusions import webhooks

    conclusion = _dispatched(world, keys)
    row = dispatch.dispatches_of(conclusion)[0]
    token = webhooks.token_for(row.id, conclusion.issued_sha256)
    assert client.get(f"/conclusions/files/{row.id}/{token}.pdf").data == conclusion.issued_pdf
    for url in (f"/conclusions/files/{row.id}/{token[:-4]}.pdf",  # cut short
                f"/conclusions/files/{row.id + 100}/{token}.pdf"):  # no such dispatch
        response = client.get(url)
        assert response.status_code == 404
        assert "Liên kết tải về này không hợp lệ" in response.get_data(as_text=True)
    machine = client.get(f"/conclusions/files/{row.id}/x.pdf", headers={"Accept": "*/*"})
    assert machine.json["message"].startswith("Liên kết tải về này không hợp lệ")
    client.post("/language", data={"language": "en", "csrf_token": csrf_token(client)})
    english = client.get(f"/conclusions/files/{row.id}/x.pdf").get_data(as_text=True)
    assert "This download link is not valid" in english and "Not Found" not in english


def test_follow_up_dashboard_counts_for_the_chair(client, auth, world, keys):
    _dispatched(world, keys)
    auth.login("chair")
    page = client.get("/conclusions/follow-up").get_data(as_text=True)
    assert "Sở Tài chính" in page and "Hoàn thiện báo cáo, trình UBND tỉnh." in page
    assert "31/03/2026" in page  # Vietnamese date


def test_webhook_secret_is_shown_once(client, auth, world):
    unit = world.units["department"]
    auth.login("admin")
    response = client.post(f"/admin/units/{unit.id}/webhook", data={
        "csrf_token": csrf_token(client), "url": "https://so-tc.example.vn/hook"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="webhook-secret"' in page
    again = client.get(f"/admin/units/{unit.id}/webhook").get_data(as_text=True)
    assert 'id="webhook-secret"' not in again and "https://so-tc.example.vn/hook" in again
    bad = client.post(f"/admin/units/{unit.id}/webhook", data={
        "csrf_token": csrf_token(client), "url": "ftp://x"})
    assert bad.status_code == 422 and "https://" in bad.get_data(as_text=True)


def test_an_issued_notice_not_yet_sent_can_be_sent_by_the_bodys_clerk(client, auth, world,
                                                                       keys):
    from ecabinet.accounts.models import RoleAssignment, RoleKind
    from ecabinet.conclusions.models import ConclusionStatus

    conclusion = issued(world, keys)  # issued without dispatch (as before dispatch existed)
    world.users["clerk"].roles.append(RoleAssignment(role=RoleKind.CLERK,
                                                     unit_id=world.units["province"].id))
    db.session.commit()
    auth.login("clerk")
    url = f"/meetings/{world.meeting.id}/conclusion/dispatch"
    response = client.post(url, data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "Đã gửi thông báo đến các đơn vị." in response.get_data(as_text=True)
    db.session.expire_all()
    assert conclusion.status == ConclusionStatus.DISPATCHED
    again = client.post(url, data={"csrf_token": csrf_token(client)}, follow_redirects=True)
    assert "chỉ một lần" in again.get_data(as_text=True)
    assert len(dispatch.dispatches_of(conclusion)) == 2
