"""Messages for people, in Vietnamese and English, keyed by stable codes.

The library reports codes (:attr:`signing.errors.SigningError.code`, the problem codes of
:mod:`signing.verify`); this module alone turns them into sentences, so that the command line and
the web application say the same thing in the user's language.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "message"]

LANGUAGES = ("vi", "en")

_MESSAGES: dict[str, tuple[str, str]] = {
    # errors (signing.errors)
    "signing_error": ("Không ký được: {detail}", "Cannot sign: {detail}"),
    "not_a_pdf": ("Tệp không phải là PDF đọc được: {detail}", "Not a readable PDF: {detail}"),
    "key_file": ("Không dùng được tệp khóa: {detail}", "Cannot use the key file: {detail}"),
    "wrong_passphrase": (
        "Sai mật khẩu của tệp khóa (.p12)",
        "Wrong passphrase for the key file (.p12)",
    ),
    "certificate": (
        "Chứng thư số không dùng để ký được: {detail}",
        "The certificate cannot be used to sign: {detail}",
    ),
    "certificate_expired": (
        "Chứng thư số không còn hiệu lực: {detail}",
        "The certificate is not valid now: {detail}",
    ),
    "token": (
        "Không dùng được thiết bị ký số (token/HSM): {detail}",
        "Cannot use the token or HSM: {detail}",
    ),
    "wrong_pin": ("Sai mã PIN của thiết bị ký số", "Wrong PIN for the token"),
    "field": ("Trường chữ ký không dùng được: {detail}", "Signature field problem: {detail}"),
    "field_locked": (
        "Không ký được vào trường «{field}»: chữ ký ở trường «{locked_by}» đã khóa trường này; "
        "ký tiếp sẽ làm chữ ký đó mất hiệu lực",
        "Refused to sign the field '{field}': the signature in '{locked_by}' locked it, and "
        "signing would make that signature invalid",
    ),
    "timestamp": (
        "Máy chủ cấp dấu thời gian không phản hồi đúng: {detail}",
        "The timestamp server failed: {detail}",
    ),
    "revocation": (
        "Không lấy được thông tin thu hồi (CRL/OCSP): {detail}",
        "Could not fetch revocation data (CRL/OCSP): {detail}",
    ),
    "font": ("Phông chữ của dấu không dùng được: {detail}", "Stamp font problem: {detail}"),
    "trust_file": (
        "Không đọc được chứng thư gốc tin cậy: {detail}",
        "Cannot read the trusted root: {detail}",
    ),
    # verification outcomes (signing.verify)
    "no_signatures": ("Tệp không có chữ ký số nào", "The file has no signature"),
    "ok": ("hợp lệ, tin cậy", "valid and trusted"),
    "not_intact": (
        "chữ ký không còn nguyên vẹn (nội dung đã ký bị sửa)",
        "signature broken (the signed bytes were changed)",
    ),
    "untrusted": (
        "chứng thư số không dẫn về chứng thư gốc tin cậy",
        "certificate does not chain to a trusted root",
    ),
    "revoked": ("chứng thư số đã bị thu hồi", "certificate revoked"),
    "changed_after": ("bị thay đổi sau khi ký: {detail}", "changed after signing: {detail}"),
    "unreadable": ("không đọc được chữ ký: {detail}", "signature unreadable: {detail}"),
    "whole_file": ("phủ toàn bộ tệp", "covers the whole file"),
    "validation_data": (
        "sau đó chỉ thêm dữ liệu kiểm tra hiệu lực",
        "followed only by validation data",
    ),
    "form_filling": ("điền biểu mẫu / ký tiếp", "form filling / further signatures"),
    "annotations": ("thêm chú thích", "annotations"),
    "other": ("thay đổi khác", "other changes"),
    "not_permitted": ("không được phép", "not permitted"),
    "permitted": ("được phép", "permitted"),
    "signed_at": ("ký lúc", "signed at"),
    "timestamped_at": ("dấu thời gian", "timestamp"),
}


def message(code: str, lang: str = "vi", **params: str) -> str:
    """Return the sentence for ``code`` in ``lang`` (``vi`` default, ``en``)."""
    vi, en = _MESSAGES.get(code, _MESSAGES["signing_error"])
    template = en if lang == "en" else vi
    params.setdefault("detail", code)
    return template.format(**params)
