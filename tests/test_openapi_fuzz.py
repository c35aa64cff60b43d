"""schemathesis against the running service's OpenAPI document: no 5xx, no undocumented status
or content type, responses valid against their schemas (a bounded run).

One worker: CPython 3.11's ``ast.parse`` is not thread-safe (``SystemError: AST constructor
recursion depth mismatch``), and hypothesis calls it from every schemathesis worker thread when
it describes a filter; with two workers CI failed that way inside schemathesis itself."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path


def test_schemathesis_finds_no_server_error(build_dir: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PLANKG_BUILD_DIR": str(build_dir)}
    server = subprocess.Popen([sys.executable, "-m", "plankg.api.cli", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        binary = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
        result = subprocess.run(
            [binary, "run", f"http://127.0.0.1:{port}/openapi.json", "--checks",
             "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
             "--max-examples", "15", "-w", "1", "--request-timeout", "20", "--seed", "1"],
            capture_output=True, text=True, timeout=600, cwd=tmp_path)
        assert result.returncode == 0, result.stdout[-4000:]
    finally:
        server.kill()
        server.wait(10)
