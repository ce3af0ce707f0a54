"""The QR code of a check-in code (segno), as SVG for pages and as a data URI for emails.

The code alone is encoded, upper-case letters and digits: QR's alphanumeric mode keeps the
symbol small (version 1) and a scanner types exactly the characters staff could type by hand.
"""

from __future__ import annotations

import io

import segno

SCALE = 8  # pixels per module: about 3.3 cm on a phone at 100 %, easy for a desk scanner
BORDER = 4  # the quiet zone the standard asks for


def svg(code: str, *, scale: int = SCALE, title: str | None = None) -> str:
    """A standalone SVG document with its namespace and no XML declaration, so the same text
    serves as `image/svg+xml` and inlines in a page."""
    out = io.BytesIO()
    segno.make(code, error="m", micro=False).save(out, kind="svg", scale=scale, border=BORDER, xmldecl=False,
                                                   svgns=True, title=title or code, svgclass="checkin-qr",
                                                   lineclass=None, encoding="utf-8")
    return out.getvalue().decode()


def data_uri(code: str, *, scale: int = SCALE) -> str:
    """`data:image/svg+xml,...` for an <img> that needs no request back to the site."""
    return str(segno.make(code, error="m", micro=False).svg_data_uri(scale=scale, border=BORDER))
