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
