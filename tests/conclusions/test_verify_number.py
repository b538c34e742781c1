"""The public look-up by number: "Số: 01/TB-UBND" + body + year → issued or not, its meeting,
date and hash, a link to compare a file; a confidential meeting's notice: existence and hash."""

from __future__ import annotations

import datetime as dt
import io
import pathlib

import pytest
from cryptography.hazmat.primitives import serialization

from ecabinet.conclusions import issuing, lookup, service
from ecabinet.core.timeutil import to_local
from ecabinet.extensions import db
from ecabinet.meetings.models import Confidentiality
from tests.conclusions.test_service import signed
from tests.conftest import csrf_token


@pytest.fixture
def issued(world, keys):
    conclusion = signed(world, keys, when=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    issuing.issue_conclusion(conclusion, world.meeting, keys.seal, actor=None)
    return service.conclusion_of(world.meeting)


def _year(conclusion) -> str:
    return str(conclusion.year)


@pytest.mark.parametrize("typed, expected", [
    ("Số: 05/TB-UBND", (5, "UBND")), ("số 05/tb-ubnd", (5, "UBND")), ("05/TB-UBND", (5, "UBND")),
    ("  5 ", (5, "")), ("012/TB-VP-UBND", (12, "VP-UBND")), ("05/TB", (5, "")),
])
def test_numbers_are_read_as_printed(app, typed, expected):
    assert lookup.parse_number(typed) == expected


@pytest.mark.parametrize("typed", ["", "TB-UBND", "0", "05/QĐ-UBND", "5; DROP TABLE", "1" * 7])
def test_what_is_not_a_number_is_refused(app, typed):
    with pytest.raises(lookup.BadNumber):
        lookup.parse_number(typed)


def test_issued_notice_is_found_with_meeting_date_hash_and_compare_link(client, issued, world):
    page = client.get("/verify/number", query_string={
        "number": "Số: 01/TB-UBND", "body": str(issued.body_id), "year": _year(issued)})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "01/TB-UBND" in html and "đã được ban hành" in html
    assert world.meeting.title in html and issued.issued_sha256 in html
    assert to_local(issued.issued_at).strftime("%d/%m/%Y") in html
    assert f"/verify?expect={issued.issued_sha256}#upload" in html
    # number and year only, any body: found too
    html = client.get("/verify/number", query_string={"number": "1", "year": _year(issued)}
                      ).get_data(as_text=True)
    assert issued.issued_sha256 in html


def test_unknown_number_year_or_abbreviation_is_not_found(client, issued):
    for query in ({"number": "02/TB-UBND", "year": _year(issued)},
                  {"number": "01/TB-UBND", "year": str(int(_year(issued)) - 1)},
                  {"number": "01/TB-SXD", "year": _year(issued)}):
        html = client.get("/verify/number", query_string=query).get_data(as_text=True)
        assert "Không có thông báo nào mang số này" in html
        assert issued.issued_sha256 not in html


def test_a_signed_but_unissued_notice_has_no_number_to_find(client, world, keys):
    conclusion = signed(world, keys)
    html = client.get("/verify/number", query_string={"number": "01", "year": "2026"}
                      ).get_data(as_text=True)
    assert "Không có thông báo nào mang số này" in html and conclusion.number is None


def test_confidential_meeting_shows_existence_and_hash_only(client, issued, world):
    world.meeting.confidentiality = Confidentiality.CONFIDENTIAL
    db.session.commit()
    html = client.get("/verify/number", query_string={"number": "01/TB-UBND",
                                                      "year": _year(issued)}
                      ).get_data(as_text=True)
    assert issued.issued_sha256 in html and "cuộc họp mật" in html
    assert world.meeting.title not in html
    assert to_local(issued.issued_at).strftime("%d/%m/%Y") not in html


def test_bad_input_is_told_in_vietnamese_and_changes_nothing(client, issued):
    for query in ({"number": "abc"}, {"number": "01", "year": "1999"},
                  {"number": "01", "year": "năm nay"}):
        response = client.get("/verify/number", query_string=query)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Traceback" not in html and 'role="alert"' in html
    assert "ví dụ" in client.get("/verify/number", query_string={"number": "abc"}
                                 ).get_data(as_text=True)


def test_the_page_opened_without_a_question_is_just_the_form(client, issued):
    response = client.get("/verify/number")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="alert"' not in html and 'name="number"' in html


def test_compare_an_upload_with_the_notice_found_by_number(client, issued, keys, app):
    folder = pathlib.Path(app.instance_path) / "signing"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "root-ca.pem").write_bytes(
        keys.root.certificate.public_bytes(serialization.Encoding.PEM))
    form = client.get(f"/verify?expect={issued.issued_sha256}").get_data(as_text=True)
    assert f'name="expect" value="{issued.issued_sha256}"' in form
    same = client.post("/verify", data={"csrf_token": csrf_token(client),
                                        "expect": issued.issued_sha256,
                                        "file": (io.BytesIO(issued.issued_pdf), "tb.pdf")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Đúng là thông báo đã tra theo số" in same
    other = client.post("/verify", data={"csrf_token": csrf_token(client),
                                         "expect": issued.issued_sha256,
                                         "file": (io.BytesIO(issued.signed_pdf), "tb.pdf")},
                        content_type="multipart/form-data").get_data(as_text=True)
    assert "Không phải thông báo đã tra theo số" in other
