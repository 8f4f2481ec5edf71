"""The bottom line of keys.

Textual's Footer rebuilds one widget per key whenever the bindings change, which they do on
every focus move and screen switch: ~30 ms of the ~110 ms it took to open an article. This is
one Static that re-renders its single line only when the keys it would show have changed.
"""
from __future__ import annotations

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def keys(self) -> list[tuple[str, str, bool]]:
        """(key as shown, description, enabled) for each shown binding, one per action."""
        seen: set[str] = set()
        keys = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append((self.app.get_key_display(binding), binding.description, enabled))
        return keys

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is not self.screen or not self.is_attached:
            return
        keys = tuple(self.keys())
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE:
            found = screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            palette = self.app.get_key_display(found[1]) if found else None
        if (keys, palette) == self._shown:
            return
        self._shown = (keys, palette)
        parts: list[Content | tuple[str, str] | str] = []
        for key, description, enabled in keys:
            dim = "" if enabled else " dim"
            parts += [(f" {key} ", f"bold $footer-key-foreground{dim}"),
                      (description, f"$footer-description-foreground{dim}"), " "]
        if palette:
            parts += ["  ", (f"{palette} ", "bold $footer-key-foreground"),
                      ("commands", "$footer-description-foreground")]
        self.update(Content.assemble(*parts))
