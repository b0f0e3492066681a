"""An article read for answering (bot/extractive/reading.py): sentences, who is who, what "it" is."""

from __future__ import annotations

from bot.extractive.reading import read
from bot.extractive.stemming import stem

TEXT = """Brightpath to cut 1,150 jobs as Jonah Pellbrook steps down

SAN MARREN, Calif. — Brightpath Software said on Wednesday that it would lay off about 1,150 employees.

Amara Lindgren, the company's chief operating officer, took over as CEO. Lindgren, 49, joined in 2019 from \
Kestrel Pay. Pellbrook will stay on as chairman, Lindgren said.
"""


def test_a_datelines_abbreviation_ends_no_sentence() -> None:
    sentences = [s.text for s in read(TEXT, TEXT.splitlines()[0], "en").sentences]
    assert sentences[1].startswith("SAN MARREN, Calif. — Brightpath Software said")


def test_people_are_the_names_named_again_by_surname() -> None:
    reading = read(TEXT, TEXT.splitlines()[0], "en")
    assert stem("Lindgren") in reading.people and stem("Pay") not in reading.people
    assert reading.main_person == (stem("Amara"), stem("Lindgren"))
    assert {stem("chief"), stem("operating")} <= reading.roles[stem("Lindgren")]


def test_what_it_stands_for_is_the_titles_first_name() -> None:
    reading = read(TEXT, TEXT.splitlines()[0], "en")
    assert reading.subject_name == (stem("Brightpath"),)
    assert stem("jobs") in reading.subject
