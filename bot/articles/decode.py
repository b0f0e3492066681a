"""Turning fetched bytes into text: BOM, then the declared charset (header, then <meta>), then a guess.

A declared charset is only believed when the bytes agree with it: pages labelled utf-8 that are really
latin-1 (and the reverse) are common, and mojibake makes summaries useless.
"""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
# Labels that never fail to decode, so a wrong one would go unnoticed.
_SINGLE_BYTE_WESTERN = {"cp1252", "iso8859-15"}


def _codec(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when unknown. Browsers treat latin-1 as cp1252."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    return "cp1252" if name in {"iso8859-1", "ascii"} else name


def declared_in_document(data: bytes) -> str | None:
    """The charset named by a <meta> tag or an XML declaration near the top of the document."""
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def decode_body(data: bytes, *, header_charset: str | None = None, html: bool = True) -> tuple[str, str]:
    """Decode `data`; returns (text, codec used)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, errors="replace"), name
    candidates = [_codec(header_charset)]
    if html:
        in_document = _codec(declared_in_document(data))
        # A document cannot name UTF-16 inside itself and be read that far as ASCII; browsers read UTF-8.
        candidates.append("utf-8" if in_document and in_document.startswith("utf-16") else in_document)
    for codec in candidates:
        if codec is None:
            continue
        if codec in _SINGLE_BYTE_WESTERN and _is_non_ascii_utf8(data):
            logger.debug("declared %s but the bytes are UTF-8", codec)
            return data.decode("utf-8"), "utf-8"
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            if codec == "cp1252":  # bytes cp1252 leaves undefined are still valid latin-1
                return data.decode("latin-1"), "latin-1"
            logger.debug("declared charset %s does not fit the bytes", codec)
    return _guess(data)


def _is_non_ascii_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _guess(data: bytes) -> tuple[str, str]:
    if data.isascii():
        return data.decode("ascii"), "ascii"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # charset-normalizer is slow on megabytes; a sample decides, the whole is decoded with the result.
    matches = charset_normalizer.from_bytes(data[:65536])
    best = matches.best()
    codec = _codec(best.encoding) if best is not None else None
    if best is None or codec is None:
        codec = "cp1252"
    elif any(
        "cp1252" in m.could_be_from_charset for m in matches
        if m.chaos == best.chaos and m.coherence == best.coherence
    ):
        codec = "cp1252"  # short Western texts fit several code pages equally; the web's default wins
    return data.decode(codec, errors="replace"), codec
