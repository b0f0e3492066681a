"""What a question wants (bot/extractive/question.py) and the facts a sentence offers (facts.py)."""

from __future__ import annotations

import pytest

from bot.extractive.facts import FactKind, facts
from bot.extractive.question import Attribute, Want, analyse
from bot.extractive.stemming import stem


@pytest.mark.parametrize(("words", "want", "attribute"), [
    ("how many planes do they have", Want.NUMBER, Attribute.COUNT),
    ("how much is the refurb going to cost", Want.MONEY, None),
    ("how much rain did they get", Want.NUMBER, Attribute.MEASURE),
    ("how much lower is the risk", Want.NUMBER, Attribute.CHANGE),
    ("how old is the captain", Want.NUMBER, Attribute.AGE),
    ("how high did the river get", Want.NUMBER, Attribute.MEASURE),
    ("what was the final score", Want.NUMBER, Attribute.SCORE),
    ("what is the budget", Want.MONEY, None),
    ("when does construction start", Want.DATE, None),
    ("what time is the meeting", Want.TIME, None),
    ("what days are they shut", Want.DATE, None),
    ("which months is it open", Want.DATE, None),
    ("how long is the bridge closed", Want.DURATION, None),
    ("who is the governor", Want.PERSON, None),
    ("which streaming service is it going to", Want.ORGANISATION, None),
    ("where are the shelters", Want.PLACE, None),
    ("why are they striking", Want.REASON, None),
    ("how did he die", Want.REASON, None),
    ("did anyone get hurt", Want.YESNO, None),
    ("are naps good or bad", Want.DESCRIPTION, None),
    ("did they take fifty watches", Want.NUMBER, Attribute.COUNT),
    ("what if they are late , do they have to pay", Want.YESNO, None),
    ("what is her daughter's name", Want.PERSON, None),
    ("what did he die of", Want.REASON, None),
    ("what was the vote", Want.NUMBER, Attribute.SCORE),
    ("was it a hundred homeowners", Want.NUMBER, Attribute.COUNT),
])
def test_wants(words: str, want: Want, attribute: Attribute | None) -> None:
    q = analyse(words.split())
    assert (q.want, q.attribute) == (want, attribute)


def test_terms_leave_out_the_frame_and_the_guess() -> None:
    q = analyse("did they take fifty watches".split())
    assert q.terms == [stem("take"), stem("watches")] and q.about == {stem("watches")} and q.guess == "50"
    assert analyse("how old is he".split()).person_pronoun
    assert analyse("how many people were in the study".split()).about == {stem("people")}


def test_facts_of_a_sentence() -> None:
    found = {(f.kind, f.text) for f in facts(
        "Varga, 58, said the airline has 37 of the planes and will spend $2.1 billion over four years, "
        "starting October 26 at 7 p.m. on Route 9; the river rose 24.6 feet and the Gulls won 4-3.")}
    assert {(FactKind.AGE, "58"), (FactKind.COUNT, "37"), (FactKind.MONEY, "$2.1 billion"),
            (FactKind.DURATION, "over four years"), (FactKind.DATE, "October 26"), (FactKind.TIME, "7 p.m."),
            (FactKind.MEASURE, "24.6 feet"), (FactKind.SCORE, "4-3"), (FactKind.NAME, "Varga")} <= found
    assert not any(f.kind is FactKind.COUNT and f.text == "9" for f in facts("They drove on Route 9."))


def test_counts_and_ages_know_what_they_belong_to() -> None:
    count = next(f for f in facts("The airline has 37 of the planes.") if f.kind is FactKind.COUNT)
    assert stem("planes") in count.about
    crowd = next(f for f in facts("The crowd of 11,482 cheered.") if f.kind is FactKind.COUNT)
    assert stem("crowd") in crowd.about
    age = next(f for f in facts("Police arrested a 27-year-old man on Monday.") if f.kind is FactKind.AGE)
    assert stem("man") in age.about
    named = next(f for f in facts("Penhallow, 20, took a pass from captain Owen Strickmeyer.")
                 if f.kind is FactKind.AGE)
    assert named.about == (stem("Penhallow"),)
    both = [f.text for f in facts("The twins, now 71 and 66, still bake.") if f.kind is FactKind.AGE]
    assert both == ["71 and 66"]


def test_datelines_and_sentence_openers_are_no_names() -> None:
    names = [f.text for f in facts("BRENTON — Police arrested Desmond Kale.", frozenset({"police"}))
             if f.kind is FactKind.NAME]
    assert names == ["Desmond Kale"]


def test_ages_dates_and_counts_people_write() -> None:
    age = [f for f in facts("He was 88.") if f.kind is FactKind.AGE]
    assert [f.text for f in age] == ["88"] and age[0].about == ("he",)
    dates = [f.text for f in facts("The festival runs from Friday, September 19, through Sunday.")
             if f.kind is FactKind.DATE]
    assert "Friday, September 19" in dates
    count = next(f for f in facts("It is recalling about 212,000 portable electric space heaters.")
                 if f.kind is FactKind.COUNT)
    assert stem("heaters") in count.about


def test_a_count_of_years_is_answered_by_a_duration() -> None:
    q = analyse("did he teach there forty years".split())
    assert q.want is Want.NUMBER and FactKind.DURATION in q.accepts()
