"""The bottom line of keys.

Textual's Footer rebuilds one widget per key whenever the bindings change, which they do on
every focus move and screen switch: ~30 ms of the ~110 ms it took to open an article. This is
one Static that re-renders its single line only when the keys it would show have changed.
"""
from __future__ import annotations

from rich.cells import cell_len
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

    # Kept however narrow the terminal: it lists every other key.
    ESSENTIAL = frozenset({"app.help"})

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self._bindings_changed(self.screen)

    def keys(self) -> list[tuple[str, str, bool, bool]]:
        """(key as shown, description, enabled, essential) for each shown binding, one per
        action."""
        seen: set[str] = set()
        keys = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append((self.app.get_key_display(binding), binding.description, enabled,
                         binding.id in self.ESSENTIAL))
        return keys

    @staticmethod
    def _fit(keys: list[tuple[str, str, bool, bool]], palette: str | None,
             width: int) -> tuple[list[tuple[str, str, bool, bool]], str | None]:
        """What fits in `width` cells: the palette hint goes first, then keys from the right,
        never an essential one, rather than cutting the line mid-word."""
        def cells(key: str, description: str) -> int:
            return cell_len(key) + cell_len(description) + 3  # " key description "

        total = sum(cells(k, d) for k, d, _e, _s in keys)
        hint = 2 + cell_len(f"{palette} commands") if palette else 0
        if total + hint <= width:
            return keys, palette
        kept = list(keys)
        for i in range(len(kept) - 1, -1, -1):
            if total <= width:
                break
            if not kept[i][3]:
                total -= cells(kept[i][0], kept[i][1])
                del kept[i]
        return kept, None

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is not self.screen or not self.is_attached:
            return
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE:
            found = screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            palette = self.app.get_key_display(found[1]) if found else None
        keys, palette = self._fit(self.keys(), palette, self.size.width or self.app.size.width)
        if (keys, palette) == self._shown:
            return
        self._shown = (keys, palette)
        parts: list[Content | tuple[str, str] | str] = []
        for key, description, enabled, _essential in keys:
            dim = "" if enabled else " dim"
            parts += [(f" {key} ", f"bold $footer-key-foreground{dim}"),
                      (description, f"$footer-description-foreground{dim}"), " "]
        if palette:
            parts += ["  ", (f"{palette} ", "bold $footer-key-foreground"),
                      ("commands", "$footer-description-foreground")]
        self.update(Content.assemble(*parts))
