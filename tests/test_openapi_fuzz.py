"""schemathesis against the running service's OpenAPI document: no 5xx, no undocumented status
or content type, responses valid against their schemas (a bounded run).

One worker: CPython 3.11's ``ast.parse`` is not thread-safe (``SystemError: AST constructor
recursion depth mismatch``), and hypothesis calls it from every schemathesis worker thread when
it describes a filter; with two workers CI failed that way inside schemathesis itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def test_schemathesis_finds_no_server_error(live_server: str, tmp_path: Path) -> None:
    binary = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    result = subprocess.run(
        [binary, "run", f"{live_server}/openapi.json", "--checks",
         "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
         "--max-examples", "15", "-w", "1", "--request-timeout", "20", "--seed", "1"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
