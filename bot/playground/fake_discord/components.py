"""Discord's limits on message components, answered with 400 50035 and the failing field's path.

Classic messages: at most 5 action rows; a row holds up to 5 buttons or exactly one select menu.
Components V2 messages (flag IS_COMPONENTS_V2): at most 40 components in all, nested ones included.
Everywhere: a custom_id of 1 to 100 characters, unique within the message; link buttons have a url and
no custom_id; button labels up to 80 characters; select menus up to 25 options.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import invalid_form

IS_COMPONENTS_V2 = 1 << 15
ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
SELECTS = frozenset({3, 5, 6, 7, 8})
LINK, PREMIUM = 5, 6  # button styles without a custom_id
MAX_ROWS, MAX_PER_ROW, MAX_V2_TOTAL = 5, 5, 40
MAX_CUSTOM_ID, MAX_LABEL, MAX_OPTIONS = 100, 80, 25
_CHILD_KEYS = ("components", "accessory", "component")


def check_components(components: Any, flags: int | None) -> None:
    """Validate a message body's `components`; `flags` None (an edit without flags) infers V2 from shape."""
    if not components:
        return
    if not isinstance(components, list):
        raise invalid_form("components", "BASE_TYPE_ARRAY", "Must be an array.")
    v2 = (
        bool(flags & IS_COMPONENTS_V2)
        if flags is not None
        else any(_type(c) != ACTION_ROW for c in components)
    )
    if v2:
        total = sum(1 for _ in _walk(components))
        if total > MAX_V2_TOTAL:
            raise invalid_form(
                "components", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_V2_TOTAL} or fewer in length."
            )
    else:
        if len(components) > MAX_ROWS:
            raise invalid_form(
                "components", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_ROWS} or fewer in length."
            )
        for i, row in enumerate(components):
            _check_row(row, f"components.{i}")
    seen: set[str] = set()
    for path, comp in _walk(components):
        _check_one(comp, path, seen)


def _check_row(row: Any, path: str) -> None:
    if _type(row) != ACTION_ROW:
        raise invalid_form(
            f"{path}.type",
            "UNION_TYPE_CHOICES",
            "Value must be an action row without the IS_COMPONENTS_V2 flag.",
        )
    children = row.get("components") or []
    if not children:
        raise invalid_form(f"{path}.components", "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length.")
    if len(children) > MAX_PER_ROW:
        raise invalid_form(
            f"{path}.components", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_PER_ROW} or fewer in length."
        )
    if len(children) > 1 and any(_type(c) in SELECTS for c in children):
        raise invalid_form(
            f"{path}.components",
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )


def _check_one(comp: dict[str, Any], path: str, seen: set[str]) -> None:
    kind = _type(comp)
    link = kind == BUTTON and comp.get("style") in (LINK, PREMIUM)
    custom_id = comp.get("custom_id")
    if kind == BUTTON and link and custom_id is not None:
        raise invalid_form(
            f"{path}.custom_id", "BUTTON_COMPONENT_CUSTOM_ID_INVALID", "A link button cannot have a custom id"
        )
    if kind == BUTTON and comp.get("style") == LINK and not comp.get("url"):
        raise invalid_form(f"{path}.url", "BASE_TYPE_REQUIRED", "This field is required")
    needs_id = (kind == BUTTON and not link) or kind in SELECTS or kind == TEXT_INPUT
    if needs_id and custom_id is None:
        raise invalid_form(f"{path}.custom_id", "BASE_TYPE_REQUIRED", "This field is required")
    if custom_id is not None:
        if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
            raise invalid_form(
                f"{path}.custom_id",
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between 1 and {MAX_CUSTOM_ID} in length.",
            )
        if custom_id in seen:
            raise invalid_form(
                f"{path}.custom_id",
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)
    if kind == BUTTON and len(comp.get("label") or "") > MAX_LABEL:
        raise invalid_form(
            f"{path}.label", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_LABEL} or fewer in length."
        )
    if kind == STRING_SELECT:
        options = comp.get("options") or []
        if not 1 <= len(options) <= MAX_OPTIONS:
            raise invalid_form(
                f"{path}.options", "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MAX_OPTIONS} in length."
            )


def _walk(components: list[Any], prefix: str = "components") -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, component) for every component, nested ones included (rows, sections, containers...)."""
    for i, comp in enumerate(components):
        yield from _walk_one(comp, f"{prefix}.{i}")


def _walk_one(comp: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if not isinstance(comp, dict):
        raise invalid_form(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
    yield path, comp
    for key in _CHILD_KEYS:
        child = comp.get(key)
        if isinstance(child, list):
            yield from _walk(child, f"{path}.{key}")
        elif child is not None:
            yield from _walk_one(child, f"{path}.{key}")


def _type(comp: Any) -> Any:
    return comp.get("type") if isinstance(comp, dict) else None
