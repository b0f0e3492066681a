"""Only the WHATWG Encoding Standard's labels are believed: non-text and slow codecs Python knows (punycode,
rot13, hex, base64, uu) and unknown names fall back to detection, and no decoder failure escapes."""

from __future__ import annotations

import pytest

from bot.articles.decode import decode_body

PAGE = "<html><head><title>Café</title></head><body><p>Le café du port ouvre à sept heures.</p></body></html>"


@pytest.mark.parametrize("label", ["punycode", "rot13", "rot_13", "hex", "hex_codec", "base64", "uu", "bz2", "zlib",
                                   "quopri", "undefined", "idna", "unicode_escape", "raw_unicode_escape", "utf-7",
                                   "mbcs", "klingon-8", "utf-8-sig-please", "x-user-defined", "iso-2022-kr"])
def test_labels_browsers_do_not_know_fall_back_to_detection(label: str) -> None:
    for where in ("header", "meta"):
        html = PAGE.replace("<head>", f'<head><meta charset="{label}">') if where == "meta" else PAGE
        text, codec = decode_body(html.encode("utf-8"), header_charset=label if where == "header" else None)
        assert "Le café du port" in text and codec == "utf-8", (label, where, codec)


@pytest.mark.parametrize(("label", "encoding", "codec"), [
    ("windows-1252", "cp1252", "cp1252"), ("latin1", "cp1252", "cp1252"), ("ISO-8859-1", "cp1252", "cp1252"),
    ("iso-8859-15", "iso8859-15", "iso8859-15"), ("x-mac-roman", "mac-roman", "mac-roman"),
    ("koi8-r", "koi8-r", "koi8-r"), ("Shift_JIS", "cp932", "cp932"), ("gbk", "gb18030", "gb18030"),
    ("euc-kr", "cp949", "cp949"), ("big5", "big5hkscs", "big5hkscs"), ('"utf8"', "utf-8", "utf-8"),
])
def test_the_standards_labels_are_honoured(label: str, encoding: str, codec: str) -> None:
    sample = {"koi8-r": "Привет, мир", "cp932": "こんにちは", "gb18030": "你好世界", "cp949": "안녕하세요",
              "big5hkscs": "你好世界"}.get(encoding, "Le café du port")
    text, used = decode_body(f"<p>{sample}</p>".encode(encoding), header_charset=label)
    assert sample in text and used == codec
