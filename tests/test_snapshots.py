"""SVG snapshots of the list and of the seed article's reader (pytest-textual-snapshot).

After a deliberate change to the look: `pytest tests/test_snapshots.py --snapshot-update`,
then look at the SVGs before committing them.
"""
import pytest

from newsdesk.tui.app import NewsdeskApp

SIZES = [(80, 24), (160, 48)]


async def _open_seed_article(pilot) -> None:
    await pilot.press("slash", *"Ramadi", "enter", "enter")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_article_list(snap_compare, seeded_db, size):
    assert snap_compare(NewsdeskApp(seeded_db), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_seed_article_reader(snap_compare, seeded_db, size):
    assert snap_compare(NewsdeskApp(seeded_db), terminal_size=size, run_before=_open_seed_article)
