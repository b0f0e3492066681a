"""Placeholders written once (`?` or `:name`) become PostgreSQL's numbered ones, and nothing else moves."""

from __future__ import annotations

import pytest

from bot.store.dialect import POSTGRES, SQLITE, upsert
from bot.store.postgres import numbered


def test_question_marks_are_numbered_in_order() -> None:
    assert numbered("SELECT * FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?") == (
        "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4", None)


def test_names_get_one_number_each_however_often_they_appear() -> None:
    assert numbered("SELECT :id, :new WHERE id = :id AND content IS NOT DISTINCT FROM :new") == (
        "SELECT $1, $2 WHERE id = $1 AND content IS NOT DISTINCT FROM $2", ("id", "new"))


def test_literals_quoted_names_comments_and_casts_are_left_alone() -> None:
    sql = ("SELECT 'it''s ? :x', \"odd?name\", x::bigint[], strftime('%Y-%m-%d') -- why? :y\n"
           "FROM t /* a ? here */ WHERE a = ?")
    text, names = numbered(sql)
    assert names is None
    assert text == sql.replace("WHERE a = ?", "WHERE a = $1")


def test_mixing_both_kinds_is_refused() -> None:
    with pytest.raises(ValueError):
        numbered("SELECT ? WHERE a = :a")


def test_dialect_helpers_spell_each_engine() -> None:
    assert SQLITE.greatest("a", "b") == "max(a, b)" and POSTGRES.greatest("a", "b") == "greatest(a, b)"
    assert "strftime" in SQLITE.utc_day("t") and "to_char" in POSTGRES.utc_day("t")
    assert SQLITE.flag("x > 1") == "(x > 1)" and POSTGRES.flag("x > 1") == "CASE WHEN x > 1 THEN 1 ELSE 0 END"
    assert upsert("kv", ("k", "v"), ("k",)) == (
        "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v")
