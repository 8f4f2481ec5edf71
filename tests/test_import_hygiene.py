"""store/, extract/ and ingest/ never import Textual or Rich; the CLI loads Textual lazily."""
import json
import subprocess
import sys

import pytest


def _loaded_after_import(module: str) -> set[str]:
    code = (f"import sys, json; import {module}; "
            "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("module", ["newsdesk.store", "newsdesk.extract", "newsdesk.ingest",
                                    "newsdesk.ingest.pipeline"])
def test_core_packages_do_not_import_ui(module):
    loaded = _loaded_after_import(module)
    assert "textual" not in loaded
    assert "rich" not in loaded


def test_cli_module_does_not_import_textual():
    assert "textual" not in _loaded_after_import("newsdesk.cli")


def test_extract_does_not_import_dateparser_until_needed():
    # dateparser costs ~0.5 s to import; only numeric dates need it
    assert "dateparser" not in _loaded_after_import("newsdesk.extract")


def test_the_reader_loads_while_the_list_is_read(seeded_db):
    """Its code and the place tables load in the background once the list is up, so the
    first article opened costs what any other does."""
    code = f"""
import asyncio, sys
import newsdesk.tui.app as app_module
from newsdesk.tui.app import NewsdeskApp
app_module.WARM_AFTER_S = 0.01
wanted = ("newsdesk.tui.screens.reader",)
async def main():
    app = NewsdeskApp({str(seeded_db)!r}, seed_if_empty=False)
    async with app.run_test() as pilot:
        before = [m in sys.modules for m in wanted]
        while not any(w.group == "warm" for w in app.workers):
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        from newsdesk.extract import lexicon
        print(before, [m in sys.modules for m in wanted], lexicon._gazetteer_db.cache_info().currsize)
asyncio.run(main())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[False] [True] 1", out.stdout + out.stderr


def test_the_app_does_not_import_a_toml_parser_to_start():
    # a start with no config file has nothing to parse; tomllib is 5-10 ms of a cold start
    assert "tomllib" not in _loaded_after_import("newsdesk.tui.app")


def test_the_collector_is_off_for_the_start_and_back_on_with_the_start_frozen(seeded_db):
    """`newsdesk` turns Python's cycle collector off while Textual loads and the first screen
    is built; the app turns it back on once the reader has been drawn ahead, with all that
    the start built frozen out of its sweeps (a full sweep of it was ~40 ms, landing in an
    article opened now and then)."""
    code = f"""
import asyncio, gc, sys
import click.testing
import newsdesk.tui.app as app_module
from newsdesk import cli
app_module.WARM_AFTER_S = 0.01
seen = {{}}
async def main(app):
    async with app.run_test() as pilot:
        seen["started"] = gc.isenabled()
        for _ in range(2000):
            if gc.isenabled():
                break
            await pilot.pause(0.01)
        seen["drawn ahead"] = bool(app._reader is not None and app._reader.view.text)
        seen["back on"] = gc.isenabled()
        seen["frozen"] = gc.get_freeze_count()
def run(self):
    seen["at run"] = gc.isenabled()
    asyncio.run(main(self))
app_module.NewsdeskApp.run = run
result = click.testing.CliRunner().invoke(cli.cli, ["--db", {str(seeded_db)!r}, "tui"])
assert result.exit_code == 0, result.output
print(seen["at run"], seen["started"], seen["drawn ahead"], seen["back on"], seen["frozen"] > 10000)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "False False True True True", out.stdout + out.stderr


def test_an_app_started_with_the_collector_on_leaves_it_alone():
    import gc

    from newsdesk.tui.app import settle_collector

    frozen = gc.get_freeze_count()
    assert gc.isenabled() and settle_collector() is False
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_the_last_frame_is_shown_before_the_cli_or_textual_loads():
    # newsdesk.instant runs first at every start: what it loads delays the frame
    loaded = _loaded_after_import("newsdesk.instant")
    assert not loaded & {"click", "textual", "rich", "sqlite3", "sqlite_utils"}, loaded
