"""Turning fetched bytes into text: BOM, then the declared charset (header, then <meta>), then a guess.

A declared charset is only believed when the bytes agree with it: pages labelled utf-8 that are really
latin-1 (and the reverse) are common, and mojibake makes summaries useless. Only the labels of the WHATWG
Encoding Standard (what browsers honour) are believed at all: Python's codec registry also knows non-text
codecs (rot13, hex, base64, uu) and slow ones (punycode is quadratic), and a page must not pick those.
"""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

from bot.app.errors import NotAnArticle

logger = logging.getLogger(__name__)

MSG_UNREADABLE = "I couldn't read the text of that page."

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)

# The WHATWG Encoding Standard's labels, by the Python codec that decodes each encoding as browsers do
# (its "gbk" is GB18030, "big5" is Big5-HKSCS, "shift_jis" is Windows-31J, "euc-kr" is Windows-949, and
# latin-1 and ASCII are read as windows-1252). "replacement" and "x-user-defined" have no codec here: such
# labels are ignored like unknown ones.
_WHATWG: dict[str, str] = {
    "utf-8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "cp866": "866 cp866 csibm866 ibm866",
    "iso8859-2": "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2",
    "iso8859-3": "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3",
    "iso8859-4": "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4",
    "iso8859-5": "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
                 "iso_8859-5:1988",
    "iso8859-6": "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 iso-8859-6-e "
                 "iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987",
    "iso8859-7": "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
                 "iso_8859-7 iso_8859-7:1987 sun_eu_greek",
    "iso8859-8": "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 iso88598 "
                 "iso_8859-8 iso_8859-8:1988 visual csiso88598i iso-8859-8-i logical",
    "iso8859-10": "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    "iso8859-13": "iso-8859-13 iso8859-13 iso885913",
    "iso8859-14": "iso-8859-14 iso8859-14 iso885914",
    "iso8859-15": "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    "iso8859-16": "iso-8859-16",
    "koi8-r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8-u": "koi8-ru koi8-u",
    "mac-roman": "csmacintosh mac macintosh x-mac-roman",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "cp1250": "cp1250 windows-1250 x-cp1250",
    "cp1251": "cp1251 windows-1251 x-cp1251",
    "cp1252": "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591 "
              "iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
    "cp1253": "cp1253 windows-1253 x-cp1253",
    "cp1254": "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5 "
              "latin5 windows-1254 x-cp1254",
    "cp1255": "cp1255 windows-1255 x-cp1255",
    "cp1256": "cp1256 windows-1256 x-cp1256",
    "cp1257": "cp1257 windows-1257 x-cp1257",
    "cp1258": "cp1258 windows-1258 x-cp1258",
    "mac-cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "gb18030": "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030",
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso2022_jp": "csiso2022jp iso-2022-jp",
    "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "cp949": "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 "
             "windows-949",
    "utf-16-be": "unicodefffe utf-16be",
    "utf-16-le": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
}
_LABELS: dict[str, str] = {label: codecs.lookup(codec).name for codec, labels in _WHATWG.items()
                           for label in labels.split()}
TEXT_CODECS = frozenset(_LABELS.values())
# Labels that never fail to decode, so a wrong one would go unnoticed.
_SINGLE_BYTE_WESTERN = {"cp1252", "iso8859-15"}


def _codec(label: str | None) -> str | None:
    """Python codec name for a WHATWG charset label, or None when it is not one."""
    if not label:
        return None
    return _LABELS.get(label.strip().strip("\"'").strip().lower())


def declared_in_document(data: bytes) -> str | None:
    """The charset named by a <meta> tag or an XML declaration near the top of the document."""
    head = data[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def decode_body(data: bytes, *, header_charset: str | None = None, html: bool = True) -> tuple[str, str]:
    """Decode `data`; returns (text, codec used). Raises NotAnArticle if no decoder can read it."""
    try:
        return _decode(data, header_charset, html)
    except (UnicodeError, LookupError, ValueError) as exc:   # a codec's own bug must not escape as a traceback
        logger.info("no decoder could read the page: %r", exc)
        raise NotAnArticle(MSG_UNREADABLE) from exc


def _decode(data: bytes, header_charset: str | None, html: bool) -> tuple[str, str]:
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
        except UnicodeError:
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
    codec = _python_codec(best.encoding) if best is not None else None
    if best is None or codec is None:
        codec = "cp1252"
    elif any(
        "cp1252" in m.could_be_from_charset for m in matches
        if m.chaos == best.chaos and m.coherence == best.coherence
    ):
        codec = "cp1252"  # short Western texts fit several code pages equally; the web's default wins
    return data.decode(codec, errors="replace"), codec


def _python_codec(name: str) -> str | None:
    """A guesser's codec name, if it is one of the text encodings above."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return codec if codec in TEXT_CODECS else None
