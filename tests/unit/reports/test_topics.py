"""Topics of a conversation: replies, threads, short lines, merging, naming, central messages."""

from __future__ import annotations

from bot.reports.topics import Utterance, find_topics

FERRY = ["The ferry timetable changes on Monday", "Ferry timetable: the harbour office confirmed Monday",
         "So the early ferry is gone on Monday? The timetable change hurts"]
LIBRARY = ["The council votes on the library budget next week", "Library budget vote: opening hours cut",
           "Cutting library hours to balance the council budget is sad"]


def test_interleaved_subjects_become_separate_topics_named_by_their_words() -> None:
    texts = [FERRY[0], LIBRARY[0], FERRY[1], LIBRARY[1], FERRY[2], LIBRARY[2]]
    topics = find_topics([Utterance(t) for t in texts])
    assert [sorted(t.items) for t in topics] == [[0, 2, 4], [1, 3, 5]]
    assert {"ferry", "timetable"} <= set(topics[0].terms) and "library" in topics[1].terms
    assert topics[0].central and all(i in topics[0].items for i in topics[0].central)


def test_a_reply_joins_the_topic_it_answers_and_short_lines_stay_with_the_conversation() -> None:
    utterances = [Utterance(FERRY[0], key=1), Utterance(LIBRARY[0], key=2), Utterance(LIBRARY[1], key=3),
                  Utterance("Totally agree with that, see you Monday", key=4, reply_to=1), Utterance("", key=5),
                  Utterance(FERRY[1], key=6)]
    topics = find_topics(utterances)
    # The reply joined the ferry topic, and the wordless line after it stayed with it.
    assert next(t for t in topics if 0 in t.items).items == [0, 3, 4, 5]
    assert next(t for t in topics if 1 in t.items).items == [1, 2]


def test_a_thread_is_one_topic_whatever_it_says_and_never_absorbs_the_channel() -> None:
    utterances = [Utterance(FERRY[0]), Utterance(FERRY[1]), Utterance(LIBRARY[0], group=77),
                  Utterance(FERRY[2], group=77), Utterance("lol", group=77)]
    topics = find_topics(utterances)
    thread = next(t for t in topics if t.group == 77)
    assert thread.items == [2, 3, 4] and next(t for t in topics if t.group is None).items == [0, 1]


def test_a_subject_the_conversation_comes_back_to_is_merged() -> None:
    filler = [f"Unrelated chatter number {w} about {w} things {w}" for w in
              ("apples", "bicycles", "candles", "doors", "engines", "forks", "gardens", "hats", "islands",
               "jackets", "kettles", "lamps", "mirrors", "nails", "oranges", "pianos", "quilts", "rivers",
               "spoons", "tables", "umbrellas", "violins", "wagons", "yachts", "zebras", "anchors", "barrels",
               "cables", "drums", "eggs", "feathers", "gloves", "harps", "inks", "jars", "keys", "ladders",
               "maps", "nets", "oars", "pans", "quills", "ropes", "sails", "tents", "urns", "vases", "wheels",
               "yarns", "zips", "arrows", "boots", "coins", "dice", "easels", "flags", "gates", "hooks", "irons",
               "jugs", "kites", "locks")]
    texts = [FERRY[0], FERRY[1], *filler, FERRY[2], FERRY[0] + " again"]
    topics = find_topics([Utterance(t) for t in texts], limit=1)
    assert topics[0].items == [0, 1, len(texts) - 2, len(texts) - 1]


def test_lone_messages_are_topics_only_when_nothing_else_is() -> None:
    alone = find_topics([Utterance("The lighthouse keeper retires after forty years of service")])
    assert len(alone) == 1 and alone[0].items == [0]
    mixed = find_topics([Utterance(t) for t in (*FERRY, "The lighthouse keeper retires after forty years")])
    assert [t.items for t in mixed] == [[0, 1, 2]]


def test_near_duplicates_are_quoted_once_and_nothing_quotable_is_no_topic() -> None:
    texts = ["Ferry timetable changes on Monday", "Ferry timetable changes on Monday!", "The harbour ferry "
             "timetable changes Monday, office confirms"]
    topic = find_topics([Utterance(t) for t in texts], central=3)[0]
    assert len(topic.central) == 2 and not {0, 1} <= set(topic.central)
    assert find_topics([Utterance(t) for t in ("lol", "yes", "ok then", "")]) == []
    assert find_topics([]) == []


def test_topics_are_deterministic() -> None:
    texts = [FERRY[0], LIBRARY[0], FERRY[1], LIBRARY[1], FERRY[2], LIBRARY[2]] * 3
    first = find_topics([Utterance(t) for t in texts])
    again = find_topics([Utterance(t) for t in texts])
    assert [(t.items, t.terms, t.central) for t in first] == [(t.items, t.terms, t.central) for t in again]
