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
