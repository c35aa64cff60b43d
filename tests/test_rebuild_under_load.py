"""Rebuilding while the service answers: the swap to the new graph is atomic. Eight clients keep
asking (REST task lookup, agency lookup, SPARQL count, a page) while ``plankg build`` rewrites
the build the service reads; no request fails, each answer is the old graph or the new one, and
once a client has seen the new graph it never sees the old one again.

The rebuild changes one title read in 000 (line 54: item 5 of the market plan, 健全公平竞争审查机制).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.helpers import running_service

OLD, NEW = "健全公平竞争审查机制", "健全公平竞争审查制度"
COUNT = "SELECT (COUNT(?t) AS ?n) WHERE { ?t a <https://w3id.org/plankg/def#Task> }"


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=20) as response:
        return response.status, response.read()


def test_rebuild_under_load_swaps_atomically(build_dir: Path, corpus: Path, tmp_path: Path) -> None:
    served = tmp_path / "build"
    shutil.copytree(build_dir, served)
    changed = tmp_path / "sources"
    changed.mkdir()
    for path in corpus.glob("*.txt"):
        shutil.copy(path, changed / path.name)
    source = changed / "000_35404b1995788393.txt"
    source.write_text(source.read_text(encoding="utf-8").replace(f"5.{OLD}。", f"5.{NEW}。", 1), encoding="utf-8")

    # loopback clients share one address: lift the per-client rate limit, which is not under test
    with running_service(served, tmp_path, PLANKG_RELOAD_INTERVAL="0.2", PLANKG_CLIENT_RATE="100000") as base:
        errors: list[str] = []
        seen: list[list[str]] = [[] for _ in range(8)]
        stop = threading.Event()
        sparql = f"{base}/sparql?" + urllib.parse.urlencode({"query": COUNT})

        def client(k: int) -> None:
            while not stop.is_set():
                try:
                    status, body = get(f"{base}/tasks/sz-market-2023-2025/5")
                    title = json.loads(body)["title"]
                    if title not in (OLD, NEW):
                        errors.append(f"unexpected title {title}")
                    seen[k].append(title)
                    for url in (f"{base}/agencies/sz-amr", sparql, f"{base}/id/plan/sz-market-2023-2025"):
                        status, body = get(url)
                        if status != 200:
                            errors.append(f"{url}: {status}")
                        if url == sparql and json.loads(body)["results"]["bindings"][0]["n"]["value"] != "630":
                            errors.append("task count is not 630")
                except urllib.error.HTTPError as exc:
                    errors.append(f"{exc.url}: {exc.code} {exc.read()[:200]!r}")
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(2)  # load on the old graph first
        rebuilt = subprocess.run([sys.executable, "-m", "plankg.api.cli", "build", "--sources", str(changed),
                                  "--out", str(served), "--quiet"], capture_output=True, text=True)
        assert rebuilt.returncode == 0, rebuilt.stderr
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(s and s[-1] == NEW for s in seen):
            time.sleep(0.2)
        time.sleep(1)  # and some load on the new graph
        stop.set()
        for thread in threads:
            thread.join(30)

    assert not errors, errors[:5]
    for titles in seen:
        assert titles[0] == OLD and titles[-1] == NEW
        first_new = titles.index(NEW)
        assert OLD not in titles[first_new:], "a client saw the old graph after the new one"
    assert sum(len(s) for s in seen) > 50
