"""Every binding's key is a name a real terminal's key press arrives as (Pilot presses any
name, so a binding spelled `plus_sign` passed there and never fired in a terminal)."""
import inspect
import unicodedata

import pytest
from textual.binding import Binding
from textual.keys import KEY_TO_UNICODE_NAME, REPLACED_KEYS, _character_to_key

from newsdesk.tui import app as app_module
from newsdesk.tui.screens import (
    article_list,
    forms,
    help,
    ingest_dialog,
    reader,
    span_details,
)
from newsdesk.tui.widgets import article_table, article_view, found_panels, key_bar

MODULES = [app_module, article_list, forms, help, ingest_dialog, reader, span_details,
           article_table, article_view, found_panels, key_bar]
# keys that are not characters: a terminal sends them as escape sequences Textual names so
NAMED = {"enter", "escape", "tab", "shift+tab", "up", "down", "left", "right", "home", "end",
         "pageup", "pagedown", "backspace", "delete", "insert", "space"}


def _bindings():
    for module in MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for binding in getattr(cls, "BINDINGS", []):
                if isinstance(binding, Binding):
                    for key in binding.key.split(","):
                        yield f"{cls.__name__}:{binding.action}", key.strip()


BINDINGS = sorted(set(_bindings()))


def test_bindings_were_found():
    assert len(BINDINGS) > 40
    assert ("ReaderScreen:add_entity", "plus") in BINDINGS


@pytest.mark.parametrize(("where", "key"), BINDINGS)
def test_binding_key_is_what_a_terminal_sends(where, key):
    base = key.rsplit("+", 1)[-1] if "+" in key and key != "plus" else key
    if key in NAMED or base in NAMED or key.startswith(("ctrl+", "f")) and len(key) > 1 \
            and (key.startswith("ctrl+") or key[1:].isdigit()):
        return
    if len(key) == 1:
        char = key
    else:
        plain = REPLACED_KEYS.get(key, key)  # "plus" -> "plus_sign"
        name = KEY_TO_UNICODE_NAME.get(plain, plain.replace("_", " ").upper())
        try:
            char = unicodedata.lookup(name)
        except KeyError:
            pytest.fail(f"{where}: {key!r} names no character a terminal can send")
    assert _character_to_key(char) == key, (
        f"{where}: bound to {key!r}, but the key {char!r} arrives as {_character_to_key(char)!r}")
