"""What SQLite and PostgreSQL spell differently, by name: the table modules ask `db.dialect` for these
fragments instead of writing either engine's spelling (everything else is written once, in the subset
both accept)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str          # "sqlite" | "postgres"

    @property
    def postgres(self) -> bool:
        return self.name == "postgres"

    def greatest(self, *exprs: str) -> str:
        """The largest of the values (SQLite's scalar max(), PostgreSQL's greatest())."""
        return f"{'greatest' if self.postgres else 'max'}({', '.join(exprs)})"

    def utc_day(self, ms_expr: str) -> str:
        """'YYYY-MM-DD' of a unix-ms column, in UTC."""
        if self.postgres:
            return f"to_char(to_timestamp(({ms_expr}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        return f"strftime('%Y-%m-%d', ({ms_expr}) / 1000, 'unixepoch')"

    def flag(self, expr: str) -> str:
        """A condition as 0/1 (for sums): SQLite's booleans are integers already, PostgreSQL's are not."""
        return f"CASE WHEN {expr} THEN 1 ELSE 0 END" if self.postgres else f"({expr})"


SQLITE = Dialect("sqlite")
POSTGRES = Dialect("postgres")


def upsert(table: str, columns: tuple[str, ...], key: tuple[str, ...]) -> str:
    """INSERT OR REPLACE in the form both engines accept: insert, or overwrite the row with that key."""
    others = [c for c in columns if c not in key]
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in others)}")
