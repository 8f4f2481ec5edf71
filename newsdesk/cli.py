"""The `newsdesk` command: with no subcommand it opens the reader.

Textual is imported only by the TUI path, so headless jobs (ingest, extract)
start fast.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from newsdesk import __version__
from newsdesk.config import ConfigError, default_db_path, load_config, resolve_analyst


def _open_store(db: Path):
    from store import Store, StoreError

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
        raise click.ClickException(str(exc)) from exc
    ctx.obj["analyst"] = resolve_analyst(analyst, ctx.obj["config"])
    if ctx.invoked_subcommand is None:
        ctx.invoke(tui)


@cli.command()
@db_option
@click.pass_context
def tui(ctx: click.Context, db: Path | None) -> None:
    """Open the reader (the default command)."""
    from tui.app import NewsdeskApp  # Textual loads only here

    path = db or ctx.obj["db"]
    store = _open_store(path)  # fail with one line before the screen switches
    store.close()
    app = NewsdeskApp(db_path=path, analyst=ctx.obj["analyst"], config=ctx.obj["config"])
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@db_option
@click.option("--published", callback=_iso_date, help="Publication date for all of them (YYYY-MM-DD).")
@click.option("--source", help="Source name to record (e.g. Reuters).")
@click.option("--tag", "tags", multiple=True, help="Tag every new article (repeatable).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and failures.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], db: Path | None, published: str | None,
           source: str | None, tags: tuple[str, ...], quiet: bool) -> None:
    """Add articles from text files, folders (recursively) or '-' for stdin.

    A text article has its title on the first line and the body after it.
    Re-ingesting an article already stored is reported as a duplicate.
    """
    from ingest import ingest_items, iter_paths, read_stream

    if not paths:
        raise click.UsageError("give one or more files or folders, or '-' for stdin")
    store = _open_store(db or ctx.obj["db"])
    items = []
    for path in paths:
        if str(path) == "-":
            items.append(read_stream(sys.stdin.buffer.read()))
        else:
            items.extend(iter_paths([path]))
    with store:
        report = ingest_items(store, items, published=published, source=source,
                              tags=list(tags), analyst=ctx.obj["analyst"])
    if not quiet:
        for origin in report.duplicates:
            click.echo(f"duplicate: {origin}")
    for failure in report.failed:
        click.echo(f"failed: {failure.line()}", err=True)
    click.echo(report.summary())
    if not report.new and report.failed:
        sys.exit(1)


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
    import extract
    from ingest.plaintext import ReadError, decode

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
