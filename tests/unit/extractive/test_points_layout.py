"""Summary lines cut at clause boundaries (points.py) and the layouts of interviews and lists (layout.py)."""

from __future__ import annotations

from bot.articles.model import Article
from bot.extractive import layout
from bot.extractive.points import fit, shorten, units
from bot.extractive.summarizer import ExtractiveSummarizer
from bot.extractive.text import split_sentences


def test_a_quotation_over_several_sentences_is_one_unit() -> None:
    text = ('“We are not moving. We will stay until the school reopens,” said the head of the parents’ group. '
            "The council meets on Monday.")
    got = units(text, split_sentences(text))
    assert [u.text for u in got] == [text[: text.index(" The council")], "The council meets on Monday."]
    assert all(u.balanced for u in got)
    unclosed = "“We are not moving. The council meets on Monday."
    assert not units(unclosed, split_sentences(unclosed))[0].balanced


def test_shorten_keeps_the_main_clause_and_never_cuts_mid_clause() -> None:
    text = ("The council approved the new bus lanes on Monday, which means work can start in June, "
            "according to the transport office.")
    assert shorten(text, 200) == text
    assert shorten(text, 90) == "The council approved the new bus lanes on Monday, which means work can start in June."
    assert shorten(text, 60) == "The council approved the new bus lanes on Monday."
    assert shorten(text, 20) is None
    assert shorten("According to the police, the road will reopen on Friday after the repairs end.", 200,
                   fragment=True) == "The road will reopen on Friday after the repairs end"


def test_fit_repairs_a_line_cut_off_with_an_ellipsis() -> None:
    assert fit("Tickets cost four euros, and children under twelve climb for fr…", 300) == "Tickets cost four euros."
    assert fit("Nothing to keep here at all…", 300) is None
    assert fit("A full point.", 300, fragment=True) == "A full point"
    assert fit("Opens at 9 a.m.", 300, fragment=True) == "Opens at 9 a.m."


def test_interviews_by_labels_and_by_layout() -> None:
    labelled = "\n\n".join(["Intro about the keeper of the lighthouse.", "Q: Why did you stay so long?",
                            "A: Because the sea never looked the same twice.", "Q: And now?",
                            "A: Now I will learn to sleep through storms."])
    shape = layout.analyse(labelled)
    assert shape.kind == "interview" and [q.text[:3] for q in shape.questions] == ["Q: ", "Q: "]
    assert sorted(shape.labels.values()) == [3, 3]
    speakers = "\n\n".join(["Intro paragraph about the keeper.", "Hale: Why did you stay?", "Moss: The sea kept me.",
                            "Hale: Any regrets?", "Moss: Only the winters."])
    assert [q.text for q in layout.analyse(speakers).questions] == ["Hale: Why did you stay?", "Hale: Any regrets?"]
    prose = "\n\n".join(["The keeper stayed for forty years.", "Why did he stay? Nobody knows.",
                         "He retired in May and moved inland."])
    assert layout.analyse(prose).kind == "prose"


def test_an_interview_summary_uses_the_answers() -> None:
    text = "\n\n".join([
        "Mira Hale kept the Pellow Point light for forty years and retired in May, handing the keys to the trust.",
        "Why did you stay so long?", "The sea never looked the same twice, and the lamp needed someone who knew "
        "its moods in a storm.", "What was the worst night?", "The winter of 1987, when the power failed and I "
        "turned the lens by hand for nine hours until the ferry was safely in.", "What comes next?",
        "I will move inland to my sister's farm and learn to sleep through storms without getting up."])
    for style in ("brief", "detailed", "bullets"):
        summary = ExtractiveSummarizer().summarize_sync(Article(url="u", text=text), style=style)
        assert summary.tldr.startswith("Mira Hale")
        assert summary.key_points and not any("?" in p for p in summary.key_points)


def test_numbered_items_make_a_list() -> None:
    text = "Intro sentence about the list of things.\n\n1. First thing\n\nMore.\n\n2. Second thing\n\n3. Third thing"
    shape = layout.analyse(text)
    assert shape.kind == "list" and [i.text for i in shape.items] == ["First thing", "Second thing", "Third thing"]
    assert shape.items[0].detail == "More." and shape.items[1].detail == ""
    assert layout.analyse("1. One\n\n3. Three\n\n4. Four").kind == "prose"
