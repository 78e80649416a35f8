"""The redirect's own pages: self-contained HTML, nothing loaded from elsewhere."""

import base64
import hashlib
from html import escape

_STYLE = (
    "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',sans-serif;"
    "background:#f5f4f0;color:#1f2328;display:flex;min-height:100vh;"
    "align-items:center;justify-content:center}"
    "main{max-width:32rem;margin:1.5rem;padding:2rem;background:#fff;"
    "border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}"
    "h1{font-size:1.4rem;margin:0 0 .75rem}p{line-height:1.5;margin:.5rem 0}"
    ".brand{font-weight:700;letter-spacing:.04em;color:#5b4bdb;margin-bottom:1rem}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
# Only the inline style above may apply; no script, no frame, no outside request.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
).encode()


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body><main><div class="brand">Chorus</div><h1>{escape(title)}</h1>{body}'
        "</main></body></html>"
    ).encode()


def not_found(organisation_name: str = "") -> bytes:
    """For unknown, disabled and expired codes; a known one names its organisation."""
    if organisation_name:
        source = f"This link from {escape(organisation_name)} is not active."
    else:
        source = "This link does not exist or is no longer active."
    return _page(
        "Link not found",
        [source, "Check that the address was copied completely, or ask whoever shared it."],
    )


UNAVAILABLE = _page(
    "Please try again",
    ["This link cannot be followed at the moment. Please try again in a few seconds."],
)
METHOD_NOT_ALLOWED = _page("Not allowed", ["Short links can only be opened."])
