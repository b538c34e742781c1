"""Every user-visible string in code and templates has a Vietnamese translation."""

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def _messages_in(folder: str, pattern: str, method: str) -> set[str]:
    found = extract_from_dir(ROOT / folder, [(pattern, method)], keywords=KEYWORDS)
    return {message if isinstance(message, str) else message[0]
            for _file, _line, message, _comments, _context in found}


def test_every_message_has_a_vietnamese_translation():
    wanted = (_messages_in("ecabinet", "**.py", "python")
              | _messages_in("templates", "**.html", "jinja2"))
    with open(ROOT / "ecabinet/translations/vi/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and m.string and not m.fuzzy}
    missing = sorted(wanted - translated)
    assert len(wanted) > 100
    assert not missing, f"untranslated: {missing}"


def test_every_wtforms_message_has_a_vietnamese_translation():
    """WTForms ships no Vietnamese catalogue; its validators' messages come from ours."""
    from wtforms.i18n import messages_path

    with open(Path(messages_path()) / "wtforms.pot", "rb") as handle:
        library = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with open(ROOT / "ecabinet/translations/vi/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                  if m.id and m.string and not m.fuzzy and all(m.string)}
    missing = sorted(library - translated - {"Invalid field name '%s'."})  # a programming error
    assert not missing, f"WTForms messages without Vietnamese: {missing}"


def test_every_form_uses_the_translated_base():
    from flask_wtf import FlaskForm

    from ecabinet.core.forms import Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    import ecabinet.accounts.forms  # noqa: F401
    import ecabinet.documents.forms  # noqa: F401
    import ecabinet.meetings.forms  # noqa: F401

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("ecabinet")]
    assert ours and all(issubclass(c, Form) for c in ours), ours


def test_library_messages_on_forms_are_vietnamese_or_english(client, auth, world):
    """Submitting forms empty or wrong shows the validators' messages in the user's language."""
    from tests.conftest import csrf_token

    page = client.post("/login", data={"username": "", "password": "",
                                       "csrf_token": csrf_token(client)}).text
    assert "Trường này bắt buộc nhập." in page and "This field is required" not in page
    auth.login("secretariat")
    form = {"title": "x" * 301, "kind": "regular", "starts_at": "không phải ngày",
            "ends_at": "", "chair_id": world.users["chair"].id,
            "csrf_token": csrf_token(client)}
    page = client.post(f"/meetings/new?body={world.units['province'].id}", data=form).text
    assert "không được dài quá 300 ký tự" in page and "Ngày giờ không hợp lệ." in page
    assert "cannot be longer" not in page and "Not a valid" not in page
    client.post("/language", data={"language": "en", "next": "/",
                                   "csrf_token": csrf_token(client)})
    page = client.post(f"/meetings/new?body={world.units['province'].id}",
                       data={**form, "csrf_token": csrf_token(client)}).text
    assert "Field cannot be longer than 300 characters." in page


def test_one_form_of_address_throughout():
    """The administrative "đồng chí" or neutral phrasing, never "bạn"; "Online" is "Trực tuyến"."""
    import re

    with open(ROOT / "ecabinet/translations/vi/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    texts = {m.id if isinstance(m.id, str) else m.id[0]:
             m.string if isinstance(m.string, str) else " ".join(m.string)
             for m in catalog if m.id}
    casual = sorted(i for i, t in texts.items() if re.search(r"\bbạn\b", t, re.IGNORECASE))
    assert not casual, casual
    assert texts["Online"] == "Trực tuyến"


def test_the_meeting_date_is_written_in_the_readers_language(client, auth, world):
    """Vietnamese: as Decree 30 writes a date; English: an English date, not "ngày … tháng"."""
    from ecabinet.core.timeutil import decree30_date
    from tests.conftest import csrf_token

    auth.login("member")
    url = f"/meetings/{world.meeting.id}"
    assert decree30_date(world.meeting.starts_at) in client.get(url).text
    client.post("/language", data={"language": "en", "next": "/",
                                   "csrf_token": csrf_token(client)})
    from ecabinet.core.timeutil import to_local

    day = to_local(world.meeting.starts_at)
    page = client.get(url).text
    assert f"{day:%B} {day.day}, {day.year}" in page
    assert "tháng" not in page.split("<dt>Time</dt>")[1].split("</dd>")[0]
