"""What may be attached to an order (SPEC 8a, issue 11): the types allowed, told by the
content's first bytes (never by the name), the size limit, and the file's name, kept only as a
label to show: it is never used as a path."""

from __future__ import annotations

from hubtui.domain.text import printable

SIZE_LIMIT = 10 * 1024 * 1024  # bytes; a setting may lower or raise it
LABEL_LIMIT = 255
ALLOWED = ("pdf", "png", "jpeg", "gif", "webp", "txt", "csv", "xlsx", "eml")
CONTENT_TYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
    "txt": "text/plain", "csv": "text/csv", "eml": "message/rfc822",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_MAIL_HEADERS = (b"from:", b"received:", b"return-path:", b"mime-version:", b"message-id:", b"date:", b"subject:",
                 b"to:", b"delivered-to:", b"x-")


def kind_of(data: bytes, label: str = "") -> str | None:
    """The allowed type `data` is, from its first bytes, or None. Plain text is a csv when the
    label says so, an e-mail when it starts with mail headers, else text."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"PK\x03\x04"):
        # An xlsx is a zip whose parts are named [Content_Types].xml and xl/…; any other zip is not allowed.
        return "xlsx" if b"[Content_Types].xml" in data and b"xl/" in data else None
    text = _as_text(data)
    if text is None:
        return None
    if data.lstrip().lower().startswith(_MAIL_HEADERS) and b"\n\n" in data.replace(b"\r\n", b"\n"):
        return "eml"
    return "csv" if label.lower().endswith(".csv") else "txt"


def _as_text(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return None
    if any((ord(ch) < 32 and ch not in "\t\r\n\f") or 127 <= ord(ch) < 160 for ch in text):
        return None  # a binary file that happens to decode
    return text


def label_problem(label: str) -> str | None:
    """Why a file's name cannot be kept as its label, or None. A name that hides part of itself
    (control or bidi characters, such as a right-to-left override turning `gpj.exe` round) is
    refused rather than shown altered."""
    if not label:
        return "The file has no name."
    if len(label) > LABEL_LIMIT:
        return f"The file's name is at most {LABEL_LIMIT} characters ({len(label):,} given)."
    if printable(label, one_line=True) != label:
        return "The file's name holds control or direction characters; rename it first."
    return None


def size_problem(size: int, limit: int = SIZE_LIMIT) -> str | None:
    if size > limit:
        return f"The file is {_megabytes(size)}; attachments are at most {_megabytes(limit)}."
    if size == 0:
        return "The file is empty."
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


__all__ = ["ALLOWED", "CONTENT_TYPES", "LABEL_LIMIT", "SIZE_LIMIT", "kind_of", "label_problem", "size_problem"]
