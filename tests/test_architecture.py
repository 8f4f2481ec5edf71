"""The layers are a contract a tool checks (import-linter, contracts in pyproject.toml),
and the install is one package."""
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _installed_layout(target: Path) -> Path:
    """The source folders copied as they install (tui/ -> newsdesk/tui/ ...): import-linter
    reads packages from disk and cannot follow setuptools' package-dir mapping."""
    for package, folder in sorted(PYPROJECT["tool"]["setuptools"]["package-dir"].items()):
        shutil.copytree(ROOT / folder, target.joinpath(*package.split(".")),
                        ignore=shutil.ignore_patterns("__pycache__", "*.txt", "*.jsonl"),
                        dirs_exist_ok=True)
    return target


def test_every_package_installs_under_newsdesk():
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert all(p == "newsdesk" or p.startswith("newsdesk.") for p in setuptools["packages"])
    assert all(p == "newsdesk" or p.startswith("newsdesk.") for p in setuptools["package-dir"])


def test_import_contracts_hold(tmp_path):
    layout = _installed_layout(tmp_path / "site")
    env = {**os.environ, "PYTHONPATH": str(layout)}
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_store_and_extract_type_check(tmp_path):
    layout = _installed_layout(tmp_path / "site")
    done = subprocess.run([sys.executable, "-m", "mypy", "-p", "newsdesk.store",
                           "-p", "newsdesk.extract", "--config-file", str(ROOT / "pyproject.toml"),
                           "--no-incremental"],
                          cwd=layout, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_finds_nothing():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_contract_names_every_casualty_kind_the_extractor_finds():
    from newsdesk.contract import CASUALTY_KINDS
    from newsdesk.extract.casualties import KIND_WORDS

    assert tuple(KIND_WORDS) == CASUALTY_KINDS


def test_the_store_s_mixins_never_shadow_each_other():
    """Store is one class made of several: a method name in two of them means one silently
    replaces the other (an entity recount once ran the annotations' recount)."""
    import itertools

    from newsdesk.store.store import Store

    parts = [c for c in Store.__mro__[1:] if c.__module__.startswith("newsdesk.store")]
    names = {c.__name__: {k for k in vars(c) if not k.startswith("__")} for c in [Store, *parts]}
    clashes = {(a, b): names[a] & names[b] for a, b in itertools.combinations(names, 2)
               if names[a] & names[b]}
    assert len(parts) >= 4 and clashes == {}
