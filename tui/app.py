"""The app: opens the store, routes between screens, runs background work."""
from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.css.query import NoMatches
from textual.driver import Driver
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from newsdesk.config import Config, export_dir, load_state, save_state
from newsdesk.extract.text import safe_for_terminal
from newsdesk.store import Store
from newsdesk.tui.layers import LAYERS
from newsdesk.tui.messages import ArticlesChanged, IngestProgress
from newsdesk.tui.screens.article_list import ArticleListScreen
from newsdesk.tui.screens.help import HelpScreen
from newsdesk.tui.widgets.article_table import ArticleTable


class GoToArticle(Provider):
    """Command palette: "go to article" by words of its title."""

    async def search(self, query: str) -> Hits:
        app = self.app
        if not isinstance(app, NewsdeskApp) or app.store is None or not query.strip():
            return
        matcher = self.matcher(query)
        for article_id, title, published in app.store.find_titles(query, limit=40):
            shown = safe_for_terminal(" ".join(title.split()))
            score = matcher.match(shown)
            # Content(), not matcher.highlight(): that one parses the title as markup
            yield Hit(max(score, 0.01), Content(shown), partial(app.open_article, article_id),
                      text=shown, help=f"open the article · {published or 'undated'}")


def _geonames_id(name: str) -> int | None:
    """place:"Ar Ramadi" finds Ramadi: the gazetteer, for a name no article spelled so."""
    from newsdesk.extract.lexicon import gazetteer_place

    place = gazetteer_place(name)
    return place["geonames_id"] if place else None


class FindEntity(Provider):
    """Command palette: a person, organisation or place by name, to its profile."""

    async def search(self, query: str) -> Hits:
        app = self.app
        if not isinstance(app, NewsdeskApp) or app.store is None or len(query.strip()) < 2:
            return
        from newsdesk.store.entities import LABEL_NAMES

        matcher = self.matcher(query)
        for entity in app.store.find_entities(query, limit=20):
            shown = safe_for_terminal(entity.canonical)
            kind = LABEL_NAMES.get(entity.label, entity.label)
            # below a title that matches as well: the palette goes to articles first
            yield Hit(max(matcher.match(shown) * 0.5, 0.01), Content(f"{kind}: {shown}"),
                      partial(app.open_entity, entity.id), text=f"{kind}: {shown}",
                      help=f"the profile · {entity.n_articles} articles")


# how often the app asks whether another connection changed the store
LIVE_CHECK_S = 1.0

# what another analyst's action is called when it arrives
_ARRIVED = {"code event": "coded an event", "edit event": "edited an event",
            "delete event": "deleted an event", "attach evidence": "attached evidence",
            "adjudicate event": "settled a disagreement", "edit note": "edited a note",
            "delete annotation": "deleted an annotation", "confirm incident": "confirmed an incident",
            "rename incident": "renamed an incident", "merge incidents": "merged incidents",
            "move report": "moved a report", "pick figure": "picked a figure",
            "set publication date": "set a publication date", "coding done": "finished coding",
            "reviewed": "reviewed an article", "merge entities": "merged entities"}


def _terminal_fd() -> int | None:
    """The terminal the app reads its keys from, if it is a terminal (not the pipe of a
    browser session)."""
    import sys

    stream = sys.__stdin__
    try:
        return stream.fileno() if stream is not None and stream.isatty() else None
    except (OSError, ValueError):
        return None


def _terminal_alive(fd: int) -> bool:
    import termios

    try:
        termios.tcgetattr(fd)
    except termios.error:
        return False  # EIO: its other end is gone
    return True


def arrival_words(arrived: list[tuple[str, str]], new_articles: int = 0) -> str:
    """'jdoe coded an event; ana tagged urgent (2×); 12 new articles'"""
    counted: dict[tuple[str, str], int] = {}
    for who, action in arrived:
        what = _ARRIVED.get(action) or (
            f"tagged {action[4:]}" if action.startswith("tag ") else
            "annotated" if action.startswith("annotate") else action)
        counted[(who, what)] = counted.get((who, what), 0) + 1
    parts = [f"{who} {what}" + (f" ({n}×)" if n > 1 else "")
             for (who, what), n in counted.items()]
    if new_articles:
        parts.append(f"{new_articles} new article{'s' if new_articles != 1 else ''}")
    text = "; ".join(parts[:4]) + (f"; and {len(parts) - 4} more" if len(parts) > 4 else "")
    return safe_for_terminal(text)


# how long a key waits for the dialog it follows to be built (far more than it takes)
SCREEN_MOUNT_WAIT_S = 5.0


# after the list has painted: a start-up is never slowed by what it does not yet need
WARM_AFTER_S = 1.0
# after the built-ahead reader is mounted: drawn on the next turn of the loop, not within it
DRAW_AHEAD_AFTER_S = 0.05
# the list's cursor at rest this long: the reader is drawn ahead with its article (a key
# held down, or tapped, moves on sooner and draws nothing)
READER_AHEAD_AFTER_S = 0.2
# the name of the list drawn at a quit for the next start (newsdesk.instant)
NEXT_START_SCREEN = "next-start-list"
# the collector back on by then, warmed or not (a start that never draws the reader ahead)
COLLECTOR_BACK_AFTER_S = 3.0


def settle_collector() -> bool:
    """Python's cycle collector, turned off by `newsdesk` for the start, back on: what the
    start built is kept out of its sweeps. A full sweep walked the 77,000 objects of
    Textual's and newsdesk's modules, screens and styles, about 40 ms each on a slow
    machine, and one landed in every fourth article opened. Frozen, they are never walked
    again; whatever goes later is swept as before. True if it was off."""
    if gc.isenabled():
        return False  # not started by newsdesk (a test, textual-serve): left as it was
    gc.collect()  # the start's own litter is not kept for ever
    gc.freeze()
    gc.enable()
    return True


class NewsdeskApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "newsdesk"
    COMMANDS = App.COMMANDS | {GoToArticle, FindEntity}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Leave newsdesk"),
        Binding("question_mark", "help", "Keys", id="app.help", tooltip="Show every key"),
        Binding("ctrl+p", "command_palette", "Commands", id="app.commands", show=False,
                tooltip="Search the app's actions and go to an article by title"),
    ]

    async def on_event(self, event: events.Event) -> None:
        """Each key takes effect before the next is read.

        Textual hands a key to the focused widget's queue and runs its binding only when
        the key has bubbled back up, against whatever has focus by then; the keys behind it
        are handed on meanwhile to the widget that had focus when they were read. In a burst
        (a paste, keys queued on a laggy SSH link) `2015-05-15⇥AAA` left AAA in the date
        field and the keys after an Enter that opens an article went to the list. Here a
        key's binding runs when the key is read, and a character goes straight into the
        text field that has focus; anything else goes the usual way. A key read while a
        dialog it opened is still being built waits for it (a moment; never for ever).
        """
        if isinstance(event, events.Key) and self._early_keys is not None \
                and not event.is_forwarded:
            # typed before the list was up (over the last frame newsdesk.instant showed,
            # or while Textual loaded): kept for the list, not lost on an empty screen
            self._early_keys.append(event)
            return
        if isinstance(event, events.Key) and event.key.startswith("alt+") \
                and not event.is_forwarded:
            # A terminal sends Alt+key as Esc then the key, so Esc and a key that arrive
            # together (typed fast, or in one packet over SSH) read as Alt+key. newsdesk
            # binds no Alt key: they are the two keys the analyst pressed.
            await self.on_event(events.Key("escape", "\x1b"))
            char = event.character
            rest = event.key.split("+", 1)[1]
            await self.on_event(events.Key(_character_to_key(char) if char and char.isprintable()
                                           else rest, char))
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.app_focus = True
            screen = self.screen
            if screen is not self._keys_ready_for:
                await self._built(screen)
                self._keys_ready_for = screen
            if await self._check_bindings(event.key, priority=True):
                return
            focused = self.focused
            if isinstance(focused, Input) and event.is_printable:
                await focused._on_key(event)  # Input's own handling of a character
                return
            if await self._check_bindings(event.key):
                return
        await super().on_event(event)

    async def _keys_to_the_list(self) -> None:
        await self._built(self.screen)
        while self._early_keys:
            await self.on_event(self._early_keys.pop(0))
        self._early_keys = None  # from now on each key as it comes

    async def _built(self, screen: Screen) -> None:
        """Wait until the screen and every widget in it have mounted (a widget's on_mount can
        set its state: a key handled before it would be undone)."""
        async def mounted() -> None:
            await screen._mounted_event.wait()
            for widget in list(screen.walk_children(with_self=False)):
                await widget._mounted_event.wait()

        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(mounted(), SCREEN_MOUNT_WAIT_S)

    def __init__(self, db_path: Path, *, analyst: str = "analyst", config: Config | None = None,
                 seed_if_empty: bool = True, driver_class: type[Driver] | None = None) -> None:
        super().__init__(driver_class=driver_class)
        # at a quit: the list as the next start will first draw it, and the terminal size
        # it was drawn for (the CLI keeps it for newsdesk.instant)
        self.quit_frame: tuple[tuple[int, int], str] | None = None
        self.db_path = Path(db_path)
        self.analyst = analyst
        self.config = config or Config()
        self.seed_if_empty = seed_if_empty
        self._terminal_fd: int | None = None
        self.store: Store | None = None
        self.last_article_id: int | None = None
        self._reader = None
        self._keys_ready_for: Screen | None = None  # the last screen found fully built
        self._early_keys: list[events.Key] | None = []  # read before the list was up
        self._ahead_timer: Timer | None = None
        self.ui_state = load_state()
        stored = self.ui_state.get("layers")
        self.layers: set[str] = ({k for k in stored if k in LAYERS} if isinstance(stored, list)
                                 else set(LAYERS))

    def on_mount(self) -> None:
        if self.config.theme:
            self.theme = self.config.theme
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.store = Store(self.db_path)
        self.store.place_lookup = _geonames_id
        self.push_screen(ArticleListScreen(self.store))
        self.call_later(self._keys_to_the_list)
        # other analysts' work on this store shows within LIVE_CHECK_S (no server: SQLite
        # says when another connection has committed)
        self._live_version = self.store.data_version()
        self._audit_seen = self.store.latest_audit_id()
        self._articles_seen = self.store.max_article_id()
        self.set_interval(LIVE_CHECK_S, self.check_store)
        self._terminal_fd = _terminal_fd()
        if self.seed_if_empty and self.store.is_empty():
            self.notify("New store: adding the sample articles…", timeout=3)
            self.load_seeds()
        elif self.store.articles_without_entities(1):
            self._index_entities_worker()
        self.set_timer(WARM_AFTER_S, self._warm_reader)
        self.set_timer(COLLECTOR_BACK_AFTER_S, settle_collector)

    @work(thread=True, exclusive=True, group="warm", exit_on_error=False)
    def _warm_reader(self) -> None:
        """What the first article opened would load (the reader's code, the extractors the
        reader re-runs, the place tables), loaded while the analyst reads the list: the
        first Enter then costs what every later one does."""
        import newsdesk.extract.dates  # noqa: F401  (the reader re-resolves dates)
        import newsdesk.tui.screens.reader  # noqa: F401
        from newsdesk.extract.lexicon import countries, country_of

        countries()
        country_of("")
        self.call_from_thread(self._build_reader)

    def _build_reader(self) -> None:
        """The reader screen composed and mounted off the stack, before the first Enter:
        building its widgets and their styles was 40-60 ms CPU of opening the first article
        (230-240 ms built then, 170-190 built ahead, at 100,000 articles)."""
        from newsdesk.tui.screens.reader import ReaderScreen

        if self._reader is not None or self.store is None:
            return
        self._reader = ReaderScreen(self.store, None)
        self.install_screen(self._reader, name="reader")
        self._get_screen("reader")  # Textual's own start of a screen pushed the first time
        self.set_timer(DRAW_AHEAD_AFTER_S, self._render_reader_unseen)

    def on_article_table_cursor_rests(self, message: ArticleTable.CursorRests) -> None:
        if self._ahead_timer is not None:
            self._ahead_timer.stop()
        self._ahead_timer = self.set_timer(READER_AHEAD_AFTER_S, self._render_reader_unseen)

    def _render_reader_unseen(self) -> None:
        """Lay out and draw the reader off screen with the article under the list's
        cursor, once the cursor has rested there: opening it then shows the lines drawn
        (an open was 40-90 ms CPU, most of it drawing the text and panels). The first
        drawing, after start-up, also fills Textual's style and colour caches (130 of the
        first open's 160 ms CPU). Nothing reaches the terminal, and nothing is marked read."""
        if not self.screen_stack:
            return  # the app is closing (the timer outlived it)
        reader, screen = self._reader, self.screen
        if reader is None or not reader.is_mounted or reader in self.screen_stack \
                or not isinstance(screen, ArticleListScreen):
            return  # on screen (or under a dialog), or the analyst is elsewhere (the desk)
        try:
            current = screen.table.current_id
        except NoMatches:  # the list not yet composed (a slow start): the first open draws it
            return
        if current is None or self.store is None or self.store.article(current) is None \
                or (reader._drawn_ahead is not None and reader._drawn_ahead[0] == current):
            return
        last = self.last_article_id
        try:
            if reader._styled_with != reader._style_inputs():
                # CSS added since it was styled (a widget class first mounted): restyled
                # now, not on the Enter that shows it (which would draw it all again)
                reader.update_node_styles(animate=False)
                reader._styled_with = reader._style_inputs()
            reader.show(current, ahead=True)
            self._lay_out_reader_unseen()
            # a scrollbar the reader shows for the first time is a widget of its own,
            # started on a later turn of the loop: laid out and drawn then, not on Enter
            self.set_timer(DRAW_AHEAD_AFTER_S, self._lay_out_reader_unseen)
        except Exception:  # noqa: BLE001 - only a warm-up: the first open draws it anyway
            pass
        finally:
            self.last_article_id = last
            reader.article_id = None  # as built: the first article opened is shown afresh
            settle_collector()  # what the reader built and cached stays too

    def _lay_out_reader_unseen(self) -> None:
        reader = self._reader
        if reader is None or not reader.is_mounted or reader in self.screen_stack \
                or not self.screen_stack:
            return
        try:
            for _ in range(2):  # once, then again for the scrollbars the first found it needs
                reader._refresh_layout(self.size)
            reader._compositor.render_update(full=True)
        except Exception:  # noqa: BLE001 - only drawn ahead: opening it draws it anyway
            pass

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def _index_entities_worker(self) -> None:
        """A store from before the entity index: its articles are indexed in the background
        (the pivots and profiles fill in as it goes)."""
        from newsdesk.ingest.incidents import backfill_entities

        with Store(self.db_path) as store:
            done = backfill_entities(store)
        if done:
            self.post_message(ArticlesChanged(f"entities indexed for {done} articles"))

    @work(thread=True, exclusive=True, group="ingest", exit_on_error=False)
    def load_seeds(self) -> None:
        from newsdesk.ingest import ingest_seeds

        # an SQLite connection belongs to its thread: the worker opens its own
        with Store(self.db_path) as store:
            report = ingest_seeds(store)
        self.post_message(ArticlesChanged(f"seed articles: {report.summary()}"))

    def ingest_source(self, source: str) -> None:
        """Ingest a path or URL in the background; the list updates when it is done."""
        self.notify(f"ingesting {source}…", timeout=2, markup=False)
        self._ingest_worker(source)

    @work(thread=True, exclusive=True, group="ingest", exit_on_error=False)
    def _ingest_worker(self, source: str) -> None:
        import time

        from newsdesk.ingest.refresh import ingest_source

        last = 0.0

        def progress(n: int, origin: str, _share: float | None) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last > 0.2:  # a message per item would flood the UI on big folders
                last = now
                self.post_message(IngestProgress(n, origin))

        with Store(self.db_path) as store:
            report = ingest_source(store, source, analyst=self.analyst, progress=progress)
        lines = [f"{source}: {report.summary()}"]
        lines += [f.line() for f in report.failed[:3]]
        if len(report.failed) > 3:
            lines.append(f"… and {len(report.failed) - 3} more failures")
        self.post_message(ArticlesChanged("\n".join(lines),
                                          severity="warning" if report.failed else "information"))

    def on_ingest_progress(self, message: IngestProgress) -> None:
        screen = self.screen
        if isinstance(screen, ArticleListScreen):
            screen.update_status(f"ingesting: {message.read} read · {message.origin[-40:]}")

    def check_store(self) -> None:
        """Another analyst (or process) changed the store: every open screen shows it,
        keeping its cursor and selection, and a line says what arrived."""
        if self._terminal_fd is not None and not _terminal_alive(self._terminal_fd):
            # the terminal hung up (a dropped SSH link with no SIGHUP): Textual would
            # read the dead terminal in a busy loop for ever, at a full core
            self.exit(return_code=1)
            return
        store = self.store
        if store is None:
            return
        version = store.data_version()
        if version == self._live_version:
            return
        self._live_version = version
        arrived = store.others_since(self._audit_seen, self.analyst)
        self._audit_seen = store.latest_audit_id()
        newest = store.max_article_id()
        added = store.count_articles_after(self._articles_seen)
        self._articles_seen = newest
        for screen in self.screen_stack:
            refresh = getattr(screen, "store_changed", None)
            if refresh is not None and screen.is_mounted:
                try:
                    refresh()
                except NoMatches:
                    pass  # mounted but not yet composed: it reads the store as it composes
        said = arrival_words(arrived, added)
        if said:
            self.notify(said, timeout=4, markup=False)

    def on_articles_changed(self, message: ArticlesChanged) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, ArticleListScreen):
                screen.reload()
        self.notify(message.summary, timeout=6 if message.severity != "information" else 3,
                    severity=message.severity, markup=False)

    def set_layers(self, layers: set[str]) -> None:
        self.layers = set(layers)
        self.ui_state["layers"] = sorted(layers)
        save_state(self.ui_state)

    def open_article(self, article_id: int, list_filter=None, sort: str = "published", *,
                     select: tuple[int, int] | None = None) -> None:
        """Show an article in the reader, `select`ed text marked. One reader screen is
        built, then reused: building its panels and styles costs far more than filling
        them. From the desk, with the reader already under it, the desk's screens close
        down to the reader (a screen is on the stack once)."""
        from newsdesk.store import ArticleFilter
        from newsdesk.tui.screens.reader import ReaderScreen

        if self.store is None:
            return
        if self._reader is None:
            self._reader = ReaderScreen(self.store, article_id, list_filter=list_filter,
                                        sort=sort, select=select)
            self.install_screen(self._reader, name="reader")
        elif not self._reader.is_mounted:
            # built ahead (`_build_reader`) and still mounting: it shows this one when done
            self._reader.article_id = article_id
            self._reader.list_filter = list_filter or ArticleFilter()
            self._reader.sort = sort
            self._reader._select_on_mount = select
        else:
            self._reader.list_filter = list_filter or ArticleFilter()
            self._reader.sort = sort
            self._reader.show(article_id)
            if select is not None:
                self._reader.select(*select)
        if self.screen is not self._reader:
            if self._reader in self.screen_stack:
                while self.screen is not self._reader:
                    self.pop_screen()
            else:
                self.push_screen("reader")
            if self._reader.is_mounted:
                self._reader.focus_text()

    def open_incidents(self) -> None:
        from newsdesk.tui.screens.incidents import IncidentsScreen

        if self.store is None:
            return
        # one desk kept between visits, as the reader is: opening it again costs a page
        # from the store, not a new screen's styling and layout, and keeps its search
        if not self.is_screen_installed("incidents"):
            self.install_screen(IncidentsScreen(self.store), name="incidents")
        desk = self.get_screen("incidents")
        if desk in self.screen_stack:  # a screen is on the stack once: back down to it
            while self.screen is not desk:
                self.pop_screen()
        else:
            self.push_screen(desk)

    def open_agreement(self) -> None:
        from newsdesk.tui.screens.agreement import AgreementScreen

        if self.store is not None:
            self.push_screen(AgreementScreen(self.store))

    def open_entity(self, entity_id: int) -> None:
        """The profile of a person, organisation or place."""
        from newsdesk.tui.screens.entity import EntityScreen

        if self.store is not None:
            self.push_screen(EntityScreen(self.store, entity_id))

    def list_entity(self, label: str | None, name: str) -> None:
        """The article list, newest first, filtered to the articles naming an entity (the
        search box shows the words that did it: person:"Haider al-Abadi")."""
        from newsdesk.store.search import entity_search

        while len(self.screen_stack) > 2 and not isinstance(self.screen, ArticleListScreen):
            self.pop_screen()
        screen = self.screen
        if isinstance(screen, ArticleListScreen):
            screen.search_for(entity_search(label, name))

    def open_incident(self, incident_id: int) -> None:
        from newsdesk.tui.screens.incidents import IncidentScreen

        if self.store is not None:
            self.push_screen(IncidentScreen(self.store, incident_id))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        from newsdesk.contract import EXPORT_FORMATS

        for what, formats in EXPORT_FORMATS.items():
            for fmt in formats:
                yield SystemCommand(f"Export {what} as {fmt}", f"written to {export_dir()}",
                                    partial(self.export, what, fmt))
        yield SystemCommand("Agreement between coders", "double-coded articles: alpha per"
                            " field, disagreements to settle", self.open_agreement)
        seen = set()
        for binding, where in self._bindings_in(screen):
            if where == "app" or not binding.id or binding.id in seen:
                continue
            seen.add(binding.id)
            title = binding.tooltip or binding.description
            yield SystemCommand(f"{binding.description} ({self.get_key_display(binding)})", title,
                                partial(self.run_action, binding.action, screen))

    def export(self, what: str, fmt: str) -> None:
        import datetime as dt

        from newsdesk.store import export

        folder = export_dir()
        target = folder / export.export_file_name(what, fmt, f"{dt.datetime.now():%Y%m%d-%H%M%S}")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with Store(self.db_path) as store:
                if fmt == "brat":
                    export.write_brat(store, target)
                else:
                    target.write_text(export.export_text(store, what, fmt), encoding="utf-8")
        except OSError as exc:
            self.notify(f"export failed: {target}: {exc.strerror or exc}", severity="error",
                        markup=False)
            return
        self.notify(f"exported {what} to {target}", timeout=5, markup=False)

    def _bindings_in(self, screen: Screen) -> list[tuple[Binding, str]]:
        """Every binding with an id on this screen, its widgets and the app."""
        found: list[tuple[Binding, str]] = []
        owners = [screen, *screen.walk_children()]
        seen_types = set()
        for owner in owners:
            if type(owner) in seen_types:
                continue
            seen_types.add(type(owner))
            for binding in type(owner).BINDINGS:
                if isinstance(binding, Binding) and binding.id:
                    found.append((binding, "screen"))
        found.extend((b, "app") for b in self.BINDINGS if isinstance(b, Binding))
        return found

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        rows = []
        for binding, where in self._bindings_in(self.screen):
            key = self.get_key_display(binding)
            rows.append((where, key, binding.tooltip or binding.description or binding.action,
                         binding.id or ""))
        self.push_screen(HelpScreen(rows))

    async def action_quit(self) -> None:
        if not self.is_headless and self.quit_frame is None \
                and not self.is_screen_installed(NEXT_START_SCREEN):  # a second q: drawn
            try:
                self.quit_frame = await self.next_start_frame()
            except Exception:  # noqa: BLE001 - only a faster next start lost
                self.quit_frame = None
        self.exit()

    async def next_start_frame(self) -> tuple[tuple[int, int], str] | None:
        """The list drawn as a start would first draw it (a list of its own, off screen:
        the analyst's has its search, order and cursor), as the terminal would be sent it."""
        if self.store is None:
            return None
        screen = ArticleListScreen(self.store)
        self.install_screen(screen, name=NEXT_START_SCREEN)
        self._get_screen(NEXT_START_SCREEN)  # composed and mounted as a pushed screen is
        await self._built(screen)
        # laid out as a screen shown is: once, then again for the scrollbars the first
        # found it needs (and what they were told of the rows)
        for _ in range(2):
            await asyncio.sleep(0)
            screen._refresh_layout(self.size)
        update = screen._compositor.render_update(full=True)
        frame = update.render_segments(self.console) if update is not None else ""
        return (self.size.width, self.size.height), frame

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()
