"""The `newsdesk` command: with no subcommand it opens the reader.

Textual is imported only by the TUI path, so headless jobs (ingest, extract)
start fast.
"""
from __future__ import annotations

import datetime as dt
import gc
import json
import os
import sys
from pathlib import Path

import click

from newsdesk import __version__, instant
from newsdesk.config import ConfigError, default_db_path, load_config, resolve_analyst
from newsdesk.contract import EXPORT_FORMATS


def _open_store(db: Path):
    from newsdesk.store import Store, StoreError

    try:
        return Store(db)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"{db}: cannot open store ({exc.strerror or exc})") from exc


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD)") from None


db_option = click.option(
    "--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Store file (default: $NEWSDESK_DB or the user data directory).")


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.option("--analyst", default=None, help="Name recorded on your work (default: config, then $USER).")
@click.version_option(__version__, prog_name="newsdesk")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, analyst: str | None) -> None:
    """newsdesk: read, annotate and code news articles from the keyboard.

    Run with no command to open the reader.
    """
    ctx.ensure_object(dict)
    ctx.obj["db"] = db or default_db_path()
    try:
        ctx.obj["config"] = load_config()
    except ConfigError as exc:
        instant.release()  # the error line on the terminal's own screen, not under a frame
        raise click.ClickException(str(exc)) from exc
    ctx.obj["analyst"] = resolve_analyst(analyst, ctx.obj["config"])
    if ctx.invoked_subcommand is None:
        ctx.invoke(tui)
    elif ctx.invoked_subcommand != "tui":
        instant.release()


@cli.command()
@db_option
@click.pass_context
def tui(ctx: click.Context, db: Path | None) -> None:
    """Open the reader (the default command)."""
    # No cycle collection while Textual loads and the first screen is built: what they
    # make is kept, and sweeping it (15-25 ms of the imports alone) is wasted; the app
    # turns the collector back on once started (tui.app.settle_collector).
    gc.disable()
    from newsdesk.tui.app import NewsdeskApp  # Textual loads only here

    path = db or ctx.obj["db"]
    try:
        store = _open_store(path)  # fail with one line before the screen switches
    except click.ClickException:
        instant.release()
        raise
    store.close()
    driver = None
    held = instant.held
    if held is not None and os.path.abspath(held.db) == os.path.abspath(path):
        from newsdesk.tui.driver import continuing_driver

        # the keyboard held (and the last frame up): Textual goes on from there
        driver = continuing_driver(held.attrs, held.painted)
    else:
        instant.release()
    app = NewsdeskApp(db_path=path, analyst=ctx.obj["analyst"], config=ctx.obj["config"],
                      driver_class=driver)
    # Textual sizes the screen with shutil.get_terminal_size, which believes COLUMNS and
    # LINES over the terminal: a shell or tmux server that exported them would pin the
    # app at that size through every resize.
    os.environ.pop("COLUMNS", None)
    os.environ.pop("LINES", None)
    if instant.held is not None:
        instant.held.handed_over = True
    try:
        app.run()
    finally:
        instant.release()
    if app.quit_frame is not None:
        instant.save(path, *app.quit_frame)  # the store closed: its files as they are now
    if app.return_code:
        sys.exit(app.return_code)


@cli.command()
@click.argument("sources", nargs=-1)
@db_option
@click.option("--published", callback=_iso_date, help="Publication date for all of them (YYYY-MM-DD).")
@click.option("--source", help="Source name to record (e.g. Reuters).")
@click.option("--tag", "tags", multiple=True, help="Tag every new article (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "html", "feed", "json", "jsonl", "csv"]),
              help="Read every input as this format (default: by suffix, content type or content).")
@click.option("--map", "field_map", metavar="FIELD=COLUMN,...",
              help="For JSON/CSV: which columns hold title, text, published, url, source.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and failures.")
@click.option("--workers", "-j", type=click.IntRange(1, 64), default=None,
              help="Processes that extract (default: one per core, plus one).")
@click.pass_context
def ingest(ctx: click.Context, sources: tuple[str, ...], db: Path | None, published: str | None,
           source: str | None, tags: tuple[str, ...], fmt: str | None, field_map: str | None,
           quiet: bool, workers: int | None) -> None:
    """Add articles from files, folders (recursively), URLs or '-' for stdin.

    Text files (title on the first line, then the body), HTML pages, RSS/Atom feeds,
    JSON, JSONL and CSV records. A URL may be a page, a feed or a data file.
    Re-ingesting an article already stored (same URL or text) is reported as a duplicate.
    """
    from newsdesk.ingest import IngestReport
    from newsdesk.ingest.pipeline import default_workers
    from newsdesk.ingest.records import MappingError, parse_map
    from newsdesk.ingest.refresh import ingest_source

    if not sources:
        raise click.UsageError("give one or more files, folders or URLs, or '-' for stdin")
    try:
        mapping = parse_map(field_map)
    except MappingError as exc:
        raise click.BadParameter(str(exc)) from None
    options = {"published": published, "source_name": source, "tags": list(tags),
               "analyst": ctx.obj["analyst"], "fmt": fmt, "mapping": mapping,
               "workers": workers or default_workers()}
    total = IngestReport()
    with _open_store(db or ctx.obj["db"]) as store, _progress(quiet) as progress:
        for item in sources:
            stdin = sys.stdin.buffer.read() if item == "-" else None
            report = ingest_source(store, item, stdin=stdin, progress=progress, **options)
            total.extend(report)
        pieces = store.search_index_pieces()
    if not quiet:
        for origin in total.duplicates:
            click.echo(f"duplicate: {origin}")
    for partial in total.partial:
        click.echo(f"partial: {partial.line()}", err=True)
    for failure in total.failed:
        click.echo(f"failed: {failure.line()}", err=True)
    click.echo(total.summary())
    _suggest_compacting(pieces)
    if not total.new and total.failed:
        sys.exit(1)


class _progress:
    """A rich progress line on a terminal (records read, records/s, and for a streamed
    archive a bar with its ETA); nothing when stderr is a file or CI log."""

    def __init__(self, quiet: bool) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self._bar = None
        self._task = None

    def __enter__(self):
        if not self.enabled:
            return None
        import time

        from rich.console import Console
        from rich.markup import escape
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(TextColumn("{task.fields[read]} read"),
                             TextColumn("{task.fields[rate]}/s"), BarColumn(bar_width=24),
                             TextColumn("{task.fields[eta]}"), TimeElapsedColumn(),
                             TextColumn("[dim]{task.fields[origin]}", markup=True),
                             console=Console(stderr=True), transient=True,
                             auto_refresh=False)  # no thread: the extraction pool forks
        self._bar.__enter__()
        self._task = self._bar.add_task("ingest", total=None, read=0, rate="-", eta="",
                                        origin="")
        started = time.monotonic()
        last = [0.0]

        def update(n: int, origin: str, share: float | None) -> None:
            now = time.monotonic()
            if now - last[0] < 0.1:  # a redraw per record would cost more than the record
                return
            last[0] = now
            elapsed = max(now - started, 1e-6)
            eta = ""
            if share:
                left = elapsed * (1 - share) / share
                eta = f"ETA {int(left // 60)}:{int(left % 60):02d}"
            self._bar.update(self._task, read=n, rate=f"{n / elapsed:,.0f}", eta=eta,
                             total=1000 if share is not None else None,
                             completed=int(1000 * (share or 0)), origin=escape(origin[-50:]))
            self._bar.refresh()
        return update

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


@cli.group()
def feeds() -> None:
    """Feed subscriptions that `newsdesk refresh` fetches."""


@feeds.command("add")
@click.argument("url")
@click.option("--tag", help="Tag every article that comes from this feed.")
@click.option("--no-check", is_flag=True,
              help="Subscribe without fetching the feed first (it is offline now).")
@click.option("--full-text", is_flag=True,
              help="Fetch the page of every new entry that comes as a teaser or a bare link.")
@db_option
@click.pass_context
def feeds_add(ctx: click.Context, url: str, tag: str | None, no_check: bool, full_text: bool,
              db: Path | None) -> None:
    """Subscribe to an RSS or Atom feed (fetched once first: a dead link is refused)."""
    from newsdesk.ingest.fetch import is_url

    if not is_url(url):
        raise click.BadParameter(f"{url!r} is not an http(s) URL")
    about = "" if no_check else _check_feed(url)
    with _open_store(db or ctx.obj["db"]) as store:
        _, created = store.add_feed(url, tag, full_text=full_text or None)
    click.echo(f"{'added' if created else 'already subscribed'}: {url}{about}"
               + (" · full text fetched for each new entry" if full_text else ""))


def _check_feed(url: str) -> str:
    """' (title, N entries)' for a feed that answers; a one-line error for one that does not."""
    from newsdesk.ingest.feeds import read_feed
    from newsdesk.ingest.fetch import FetchError, fetch

    try:
        resp = fetch(url)
    except FetchError as exc:
        raise click.ClickException(
            f"not added: {url}: {exc} (--no-check adds it anyway)") from None
    info, items = read_feed(resp.body, url, resp.content_type)
    if not info:
        reason = items[0].reason if items else "not an RSS or Atom feed"
        raise click.ClickException(f"not added: {url}: {reason}")
    return f" ({info.get('title') or 'untitled'}, {len(items)} entries)"


@feeds.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.pass_context
def feeds_import(ctx: click.Context, file: Path, db: Path | None) -> None:
    """Subscribe to every feed in an OPML file (from newsboat or any feed reader); a
    folder's name becomes the tag of its feeds. Feeds are not fetched now: `refresh` does."""
    from newsdesk.ingest.opml import OpmlError, read_opml

    try:
        subscriptions, skipped = read_opml(file.read_bytes())
    except OSError as exc:
        raise click.ClickException(f"{file}: {exc.strerror or exc}") from None
    except OpmlError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    added = 0
    with _open_store(db or ctx.obj["db"]) as store:
        for sub in subscriptions:
            _, created = store.add_feed(sub.url, sub.tag, title=sub.title,
                                        full_text=sub.full_text or None)
            added += created
    for line in skipped:
        click.echo(f"skipped: {file}: {line}", err=True)
    click.echo(f"{added} feeds added, {len(subscriptions) - added} already subscribed"
               + (f", {len(skipped)} skipped" if skipped else ""))


@feeds.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@db_option
@click.pass_context
def feeds_export(ctx: click.Context, output: Path | None, db: Path | None) -> None:
    """Every subscription as OPML 2.0, for another reader or another newsdesk."""
    from newsdesk.ingest.opml import write_opml

    with _open_store(db or ctx.obj["db"]) as store:
        _emit(write_opml(store.feeds()), output)


@feeds.command("list")
@db_option
@click.pass_context
def feeds_list(ctx: click.Context, db: Path | None) -> None:
    """Subscribed feeds with when they were last checked and what came of it."""
    with _open_store(db or ctx.obj["db"]) as store:
        rows = store.feeds()
    if not rows:
        click.echo("no feeds yet: newsdesk feeds add URL")
    for f in rows:
        tag = f" [tag {f['tag']}]" if f["tag"] else ""
        tag += " [full text]" if f["full_text"] else ""
        checked = f"{f['checked_at'] or 'never checked'}: {f['last_status'] or ''}".rstrip(": ")
        click.echo(f"{f['url']}{tag}  {f['title'] or ''}  ({checked})")


@feeds.command("remove")
@click.argument("url")
@db_option
@click.pass_context
def feeds_remove(ctx: click.Context, url: str, db: Path | None) -> None:
    """Unsubscribe (articles already ingested stay)."""
    with _open_store(db or ctx.obj["db"]) as store:
        if not store.remove_feed(url):
            raise click.ClickException(f"not subscribed: {url}")
    click.echo(f"removed: {url}")


@cli.command()
@db_option
@click.pass_context
def refresh(ctx: click.Context, db: Path | None) -> None:
    """Fetch every subscribed feed and ingest new entries (for cron: quiet unless something fails).

    Uses ETag and Last-Modified, so an unchanged feed costs one small request.
    """
    from newsdesk.ingest.refresh import refresh_feeds

    with _open_store(db or ctx.obj["db"]) as store:
        results = refresh_feeds(store, analyst=ctx.obj["analyst"])
    failed = 0
    for r in results:
        click.echo(f"{r.url}: {r.status}")
        if r.report:
            for failure in r.report.failed:
                click.echo(f"  failed: {failure.line()}", err=True)
        if r.status.startswith("failed"):
            failed += 1
    if results and failed == len(results):
        sys.exit(1)


@cli.command("fetch")
@click.argument("ids", nargs=-1, type=int)
@db_option
@click.pass_context
def fetch_cmd(ctx: click.Context, ids: tuple[int, ...], db: Path | None) -> None:
    """Fetch the full text of articles stored as a feed's teaser or bare link (given by
    id, or every one). Their notes and evidence keep their words."""
    from newsdesk.ingest.fulltext import fetch_full_text

    with _open_store(db or ctx.obj["db"]) as store:
        report = fetch_full_text(store, list(ids) or None, analyst=ctx.obj["analyst"],
                                 progress=lambda n, url: None if ctx.obj.get("quiet")
                                 else click.echo(f"fetching {url}", err=True))
    for failure in report.failed:
        click.echo(f"failed: {failure.line()}", err=True)
    click.echo(report.summary())
    if report.failed and not report.filled:
        sys.exit(1)


@cli.command("reextract")
@click.option("--all", "everything", is_flag=True,
              help="Every article, not only those an extractor failed on or an older one made.")
@db_option
@click.pass_context
def reextract_cmd(ctx: click.Context, everything: bool, db: Path | None) -> None:
    """Run extraction again: on articles stored without a layer (its extractor raised) and
    on those an older extractor made. Analysts' corrections and notes are kept."""
    from newsdesk.ingest.reextract import reextract

    with _open_store(db or ctx.obj["db"]) as store:
        report = reextract(store, everything=everything)
    for article_id, errors in report.still_failing.items():
        layers = ", ".join(sorted(errors))
        click.echo(f"still without {layers}: article {article_id} "
                   f"({errors[sorted(errors)[0]]})", err=True)
    click.echo(report.summary())


@cli.group()
def export() -> None:
    """Write coded events or analyst annotations in the formats other tools read."""


@export.command("events")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS["events"]), default="csv",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@click.option("--all-codings", is_flag=True,
              help="With each adjudicated event, the analysts' codings it settled.")
@db_option
@click.pass_context
def export_events(ctx: click.Context, fmt: str, output: Path | None, all_codings: bool,
                  db: Path | None) -> None:
    """Events with ACLED-like columns, ranges, analyst and evidence."""
    from newsdesk.store.export import export_text

    with _open_store(db or ctx.obj["db"]) as store:
        text = export_text(store, "events", fmt, all_codings=all_codings)
    _emit(text, output)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any but 127.0.0.1 needs a token.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--token", "tokens", multiple=True,
              help="A token browsers must bring (repeatable); generated if none is given"
                   " and the address is not local.")
@click.option("--analyst-token", "named", multiple=True, metavar="NAME",
              help="Make a token that records the browser's work as NAME (repeatable).")
@db_option
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, tokens: tuple[str, ...],
              named: tuple[str, ...], db: Path | None) -> None:
    """The desk in a browser (textual-serve): one app per browser, each with its analyst's
    name, from a named token or asked for on the first page."""
    from newsdesk.tui.serve import LOCAL_HOSTS, clean_name, new_token, serve

    path = db or ctx.obj["db"]
    _open_store(path).close()  # a bad store fails here, in one line
    access: dict[str, str] = {token: "" for token in tokens}
    for name in named:
        if clean_name(name) is None:
            raise click.BadParameter(f"{name!r}: letters, digits, '.', '_' or '-'",
                                     param_hint="--analyst-token")
        access[new_token()] = name
    if not access and host not in LOCAL_HOSTS:
        access[new_token()] = ""
    import socket

    shown = socket.getfqdn() if host in ("0.0.0.0", "::") else host  # every address: the name
    if not access:
        click.echo(f"newsdesk on http://{shown}:{port}/ (this machine only)")
    for token, name in access.items():
        click.echo(f"newsdesk on http://{shown}:{port}/?token={token}"
                   + (f"  (records work as {name})" if name else ""))
    serve(path, host=host, port=port, tokens=access or None)


@cli.command("agreement")
@click.option("--analysts", help="Compare these analysts only (comma-separated).")
@click.option("--tag", default="double", show_default=True,
              help="The tag that marks articles for double coding.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@db_option
@click.pass_context
def agreement_cmd(ctx: click.Context, analysts: str | None, tag: str, fmt: str,
                  db: Path | None) -> None:
    """Agreement between analysts on double-coded articles: Krippendorff's alpha and exact
    match per event field, span F1 for notes and corrections, disagreements worst first."""
    from newsdesk.store.agreement import agreement_text

    names = [a.strip() for a in analysts.split(",") if a.strip()] if analysts else None
    with _open_store(db or ctx.obj["db"]) as store:
        report = store.agreement(names, tag)
    click.echo(json.dumps(report, ensure_ascii=False, indent=1) if fmt == "json"
               else agreement_text(report), nl=fmt == "json")


@cli.command("quality")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@db_option
@click.pass_context
def quality_cmd(ctx: click.Context, fmt: str, db: Path | None) -> None:
    """The machine's precision and recall per layer and label, from analysts' corrections
    on the articles they marked reviewed."""
    from newsdesk.store.quality import machine_quality, quality_text

    with _open_store(db or ctx.obj["db"]) as store:
        report = machine_quality(store)
    click.echo(json.dumps(report, indent=1) if fmt == "json" else quality_text(report),
               nl=fmt == "json")


@export.command("incidents")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS["incidents"]),
              default="jsonl", show_default=True)
@click.option("--per-source", is_flag=True,
              help="One row per source figure (who said what, when) instead of per incident.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@db_option
@click.pass_context
def export_incidents(ctx: click.Context, fmt: str, per_source: bool, output: Path | None,
                     db: Path | None) -> None:
    """Incidents: one per line with each kind's toll as low/best/high, its status, whether
    sources dispute or revised it, and every report of it."""
    from newsdesk.store.export import incidents_text

    with _open_store(db or ctx.obj["db"]) as store:
        text = incidents_text(store, fmt, per_source=per_source)
    _emit(text, output)


@cli.group()
def incidents() -> None:
    """Incidents: reports of one event grouped, their tolls reconciled."""


@incidents.command("rebuild")
@db_option
@click.pass_context
def incidents_rebuild(ctx: click.Context, db: Path | None) -> None:
    """Group every article again (profiling those stored before incidents existed).
    Incidents an analyst confirmed, named, picked a figure of or moved a report into stay."""
    from newsdesk.ingest.incidents import backfill_profiles

    with _open_store(db or ctx.obj["db"]) as store:
        profiled = backfill_profiles(store)
        result = store.rebuild_incidents()
        store.keep_source_records()  # those analysts kept, placed before records were kept
    click.echo(f"{result['incidents']} incidents from {result['articles']} reports"
               f" ({profiled} articles profiled, {result['kept']} incidents kept as analysts"
               " left them)")


@export.command("entities")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS["entities"]),
              default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output).")
@db_option
@click.pass_context
def export_entities(ctx: click.Context, fmt: str, output: Path | None, db: Path | None) -> None:
    """People, organisations and places across the store: id, label, canonical name,
    spellings, GeoNames id, admin1, country, article and mention counts, first and last seen."""
    from newsdesk.ingest.incidents import backfill_entities
    from newsdesk.store.export import entities_text

    with _open_store(db or ctx.obj["db"]) as store:
        backfill_entities(store)  # a store from before the entity index
        text = entities_text(store, fmt)
    _emit(text, output)


@cli.group("entities")
def entities_group() -> None:
    """The store-wide index of people, organisations and places."""


@entities_group.command("index")
@click.option("--all", "everything", is_flag=True,
              help="Every article again (from its corrected spans), the machine's spellings"
                   " learnt anew; analysts' merges, splits and aliases kept.")
@db_option
@click.pass_context
def entities_index(ctx: click.Context, everything: bool, db: Path | None) -> None:
    """Resolve articles' names to store-wide entities; analysts' merges and splits hold."""
    from newsdesk.ingest.incidents import backfill_entities

    with _open_store(db or ctx.obj["db"]) as store:
        if everything:
            store.forget_machine_aliases()
        done = backfill_entities(store)
        counts = store.count_entities()
    click.echo(f"{done} articles indexed: {counts.get('PER', 0)} people, "
               f"{counts.get('ORG', 0)} organisations, {counts.get('LOC', 0)} places")


@export.command("annotations")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS["annotations"]), default="jsonl",
              show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="File to write (brat: a folder, required).")
@db_option
@click.pass_context
def export_annotations(ctx: click.Context, fmt: str, output: Path | None,
                       db: Path | None) -> None:
    """Annotations and tags: JSONL, brat standoff (.txt + .ann) or W3C Web Annotation JSON."""
    from newsdesk.store.export import export_text, write_brat

    with _open_store(db or ctx.obj["db"]) as store:
        if fmt == "brat":
            if output is None:
                raise click.UsageError("brat needs --output FOLDER")
            written = write_brat(store, output)
            documents = sum(1 for path in written if path.suffix == ".ann")
            click.echo(f"{documents} documents written to {output}, with annotation.conf")
            return
        text = export_text(store, "annotations", fmt)
    _emit(text, output)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write ({exc.strerror or exc})") from exc
    click.echo(f"written: {output}", err=True)


@cli.command("extract")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--published", callback=_iso_date, help="Publication date for resolving relative dates.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document (the default).")
@click.option("--jsonl", "as_jsonl", is_flag=True,
              help='Read JSON lines {"id", "text", "published"} on stdin; write one result per line.')
@click.option("--rules", type=click.Choice(["default", "acled"]), default="default",
              help="How vague figures ('dozens') become numbers.")
def extract_cmd(file: Path | None, published: str | None, as_json: bool, as_jsonl: bool,
                rules: str) -> None:
    """Print what newsdesk finds in a text: entities, casualty figures, quotes, dates."""
    from newsdesk import extract

    if as_jsonl:
        for n, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
                text = doc["text"]  # offsets refer to this exact string: no cleaning
                if not isinstance(text, str):
                    raise TypeError("'text' must be a string")
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise click.ClickException(
                    f"stdin line {n}: not an extraction request ({exc})") from None
            result = extract.extract(text, doc.get("published"), rules=rules)
            sys.stdout.write(json.dumps({"id": doc.get("id"), **result}, ensure_ascii=False) + "\n")
        return
    from newsdesk.ingest.plaintext import ReadError, decode  # loads the feed readers too

    if file is None or str(file) == "-":
        data, name = sys.stdin.buffer.read(), "stdin"
    else:
        try:
            data, name = file.read_bytes(), str(file)
        except OSError as exc:
            raise click.ClickException(f"{file}: {exc.strerror or exc}") from exc
    try:
        text = decode(data)
    except ReadError as exc:
        raise click.ClickException(f"{name}: {exc}") from exc
    result = extract.extract(text, published, rules=rules)
    click.echo(json.dumps({"id": name, **result}, ensure_ascii=False, indent=2))


def _suggest_compacting(pieces: int) -> None:
    from newsdesk.store.listing import SEARCH_INDEX_PIECES_HINT

    if pieces > SEARCH_INDEX_PIECES_HINT:
        click.echo(f"the search index is in {pieces} pieces; `newsdesk compact` makes a"
                   " search of a common word several times faster", err=True)


@cli.command()
@db_option
@click.pass_context
def compact(ctx: click.Context, db: Path | None) -> None:
    """Merge the search index into one piece, for faster searches (minutes at a million)."""
    import time

    path = db or ctx.obj["db"]
    store = _open_store(path)
    with store:
        started = time.monotonic()
        before, after = store.compact_search_index()
    click.echo(f"search index: {before} pieces -> {after}"
               f" ({time.monotonic() - started:.1f} s)")


@cli.command()
@db_option
@click.pass_context
def info(ctx: click.Context, db: Path | None) -> None:
    """Where the store is and what it holds."""
    path = db or ctx.obj["db"]
    store = _open_store(path)
    with store:
        stats = store.stats()
    click.echo(f"store: {path}")
    for key, value in stats.items():
        click.echo(f"{key}: {value}")


def main() -> None:
    cli(prog_name="newsdesk")
