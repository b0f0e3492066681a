"""Sentence splitting, matching normalisation, verbatim search and tokens (bot/extractive/text.py)."""

from __future__ import annotations

import pytest

from bot.extractive.text import (
    content_tokens,
    find_verbatim,
    normalize_for_match,
    question_terms,
    split_sentences,
    stem,
    word_spans,
    words,
)


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    for s in spans:
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip() and s.text
    return [s.text for s in spans]


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Senate and the U.K. government met at the U.N. headquarters on Monday.",
        "The talks began in Feb. and ended in Sept. with no deal at all.",
        "Mr. Lee, Mrs. Ortiz and Ms. Grant met Dr. Patel and Prof. Ng on Elm St. yesterday.",
        "Gov. Hale, Sen. Ruiz, Rep. Moss, Gen. Ward, Lt. Park and Col. Reyes all attended.",
        "Acme Inc. and Bolt Ltd. sued Crane Co. and Delta Corp. over the patent.",
        "It was Smith vs. Jones in the final, and the crowd roared.",
        "Bring fruit, e.g. apples, and a drink, i.e. water, to the trail.",
        "The tenant lives at No. 5 Harbor Row near the ferry dock.",
        "The hearing is set for Jan. 12 and the appeal for Oct. 3, 2026.",
        "The meeting starts at 9 a.m. Monday and ends at 4 p.m. Tuesday.",
        "J. R. Smith and Mary K. Jones signed the petition together.",
        "Costs rose 3.5% to $1.2 million, or 8,425 dollars per household, a 10.5% jump.",
        "Details are at https://example.org/a.b/c.html and press@city.gov.example for questions.",
        "He waited... and waited for the bus that never came.",
        "The company (founded in 1990 by Dr. Amos Lee) grew quickly.",
    ],
)
def test_one_sentence_is_not_split(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("She moved to the U.S. The job paid well.", ["She moved to the U.S.", "The job paid well."]),
        ("The bill passed at 5 p.m. The mayor signed it.",
         ["The bill passed at 5 p.m.", "The mayor signed it."]),
        ("They sold chairs, tables, etc. The rest was given away.",
         ["They sold chairs, tables, etc.", "The rest was given away."]),
        ("The team plays in Aug. Club officials are thrilled.",
         ["The team plays in Aug.", "Club officials are thrilled."]),
        ("The answer was no. Nobody asked again.", ["The answer was no.", "Nobody asked again."]),
        ("He shipped it to Acme Inc. The firm paid late.",
         ["He shipped it to Acme Inc.", "The firm paid late."]),
        ("Prices rose 3.5%. Rents rose 8%.", ["Prices rose 3.5%.", "Rents rose 8%."]),
        ("It rose to 8,425. 2024 was worse.", ["It rose to 8,425.", "2024 was worse."]),
        ("Wait... The results are in!", ["Wait...", "The results are in!"]),
        ("Is it safe? Nobody knows. Really!", ["Is it safe?", "Nobody knows.", "Really!"]),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_closing_quotes_stay_with_their_sentence() -> None:
    text = 'He called it "a responsible compromise." "Nobody won," she said. “We did it.” Then they left.'
    assert sentences(text) == [
        'He called it "a responsible compromise."',
        '"Nobody won," she said.',
        "“We did it.”",
        "Then they left.",
    ]


def test_question_inside_quote_followed_by_attribution_is_one_sentence() -> None:
    text = "“Why now?” she asked. “Because we can.”"
    assert sentences(text) == ["“Why now?” she asked.", "“Because we can.”"]


def test_multi_sentence_quote_may_split_at_its_internal_end() -> None:
    text = "“We will rebuild. It will take time,” the mayor said."
    assert sentences(text) == ["“We will rebuild.", "It will take time,” the mayor said."]


def test_parenthesised_sentence_keeps_its_parenthesis() -> None:
    text = "The vote failed. (A recount is planned.) Officials declined to comment."
    assert sentences(text) == ["The vote failed.", "(A recount is planned.)",
                               "Officials declined to comment."]


def test_headings_and_list_items_are_their_own_units() -> None:
    text = (
        "Budget at a glance\n\nThe council approved the plan.\n\nWhat changes\n"
        "- Libraries close on Sundays\n- Roads get $3 million\n\n1. First item\n2. Second item"
    )
    assert sentences(text) == [
        "Budget at a glance",
        "The council approved the plan.",
        "What changes",
        "- Libraries close on Sundays",
        "- Roads get $3 million",
        "1. First item",
        "2. Second item",
    ]


def test_hard_wrapped_lines_inside_a_paragraph_are_joined() -> None:
    text = "The council met on Monday and voted\nto approve the plan after a long debate.\nIt passed."
    assert sentences(text) == [
        "The council met on Monday and voted\nto approve the plan after a long debate.",
        "It passed.",
    ]


def test_offsets_survive_odd_whitespace() -> None:
    text = "  \n First one.   Second one.\n\n\n   Third one.  \n"
    spans = split_sentences(text)
    assert [s.text for s in spans] == ["First one.", "Second one.", "Third one."]
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_empty_and_blank_text() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []


def test_normalize_for_match() -> None:
    assert normalize_for_match("  “Hello”\u00a0—  it’s   ME… ") == "\"hello\" - it's me..."
    assert normalize_for_match("A–B") == normalize_for_match("a-b")


def test_find_verbatim_exact_and_offsets_into_original() -> None:
    hay = "Intro.\nThe mayor said “we are broke” on Monday.\nEnd."
    start, end = find_verbatim(hay, "The mayor said “we are broke”")  # type: ignore[misc]
    assert hay[start:end] == "The mayor said “we are broke”"


def test_find_verbatim_tolerates_whitespace_quotes_and_dashes() -> None:
    hay = "The mayor said\n “we are  broke” — again — on Monday."
    found = find_verbatim(hay, 'said "we are broke" - again')
    assert found is not None
    assert hay[found[0]:found[1]] == "said\n “we are  broke” — again"


def test_find_verbatim_rejects_changed_words_and_case_by_default() -> None:
    hay = "The council approved a $48.6 million budget."
    assert find_verbatim(hay, "approved a $48 million budget") is None
    assert find_verbatim(hay, "the council approved") is None
    assert find_verbatim(hay, "the council approved", ignore_case=True) == (0, 20)
    assert find_verbatim(hay, "   ") is None


def test_find_verbatim_with_ellipsis_character() -> None:
    hay = "He paused… then spoke."
    found = find_verbatim(hay, "paused... then")
    assert found is not None and hay[found[0]:found[1]] == "paused… then"


def test_stem_and_tokens() -> None:
    assert stem("voted") == stem("vote") == stem("voting") == stem("votes")
    assert stem("cities") == stem("city")
    assert stem("rose") == stem("rise") == stem("rising")
    assert stem("won") == stem("win") == stem("winner")
    assert content_tokens("The Council's 8,425 votes, and the cities!") == ["council", "8425", stem("votes"),
                                                                            "city"]


def test_question_terms_drop_the_frame() -> None:
    assert question_terms("How big is the budget?") == ["budget"]
    assert question_terms("What time does the parade start?") == ["parad", "start"]


def test_question_terms_drop_chat_filler() -> None:
    assert question_terms("did anyone vote against it?") == [stem("vote"), "against"]
    assert question_terms("when does school start now?") == [stem("school"), stem("start")]


def test_word_spans_are_the_tokens_of_words_with_offsets() -> None:
    text = "Crews will spend $1,250,000 on Elm St. roads."
    spans = word_spans(text)
    assert [t for _, _, t in spans] == words(text)
    assert [text[s:e] for s, e, _ in spans][3] == "1,250,000" and spans[3][2] == "1250000"
