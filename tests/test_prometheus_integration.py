"""A real Prometheus scrapes a running `lookout serve` and fires the exported alert during the
injection campaign (runs when `prometheus` is on PATH; .ci/run installs it from Debian).

Everything binds 127.0.0.1 on free ports, lives in tmp_path and is stopped in `finally`; every
wait is a bounded loop. The scenario is replayed at SPEED simulated seconds per wall second and
the rules are exported with the same --time-scale, so `keep_firing_for: 30m` lasts 6 s of wall time.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipeline_helpers import config_dir

PROMETHEUS = shutil.which("prometheus")
LOOKOUT = Path(sys.executable).with_name("lookout")
SPEED = 300  # the attack starts two simulated hours in: 24 s of wall time

pytestmark = pytest.mark.skipif(PROMETHEUS is None, reason="prometheus is not on PATH (.ci/run installs it from Debian)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return json.loads(resp.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _wait_for(url: str, procs: list[subprocess.Popen], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _answers(url):
            return
        for p in procs:
            if p.poll() is not None:
                raise AssertionError(f"{p.args[0]} exited with {p.returncode} before {url} answered")
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds:.0f} s")


def _start(args: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=5)


def test_prometheus_fires_the_exported_injection_alert(tmp_path, db_url):
    cfg = config_dir(tmp_path)
    api_port, prom_port = _free_port(), _free_port()
    api = f"http://127.0.0.1:{api_port}"
    prom = f"http://127.0.0.1:{prom_port}"
    rules = tmp_path / "rules.yml"
    subprocess.run([str(LOOKOUT), "export-prometheus-rules", "--out", str(rules), "--config-dir", str(cfg),
                    "--time-scale", str(SPEED)], check=True, timeout=60)  # fmt: skip
    (tmp_path / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: [{rules}]\n"
        f"scrape_configs:\n  - job_name: lookout\n    static_configs: [{{targets: ['127.0.0.1:{api_port}']}}]\n"
    )
    env = {**os.environ, "LOOKOUT_CONFIG_DIR": str(cfg)}
    env.pop("LOOKOUT_API_KEY", None)
    procs: list[subprocess.Popen] = []
    try:
        procs.append(_start([str(LOOKOUT), "serve", "--port", str(api_port), "--db", db_url,
                             "--log-level", "warning"], tmp_path / "serve.log", env))  # fmt: skip
        procs.append(_start([PROMETHEUS, f"--config.file={tmp_path / 'prometheus.yml'}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                             f"--web.listen-address=127.0.0.1:{prom_port}", "--log.level=warn"], tmp_path / "prometheus.log"))  # fmt: skip
        _wait_for(f"{api}/healthz", procs, 60)
        _wait_for(f"{prom}/-/ready", procs, 60)
        procs.append(_start([str(LOOKOUT), "simulate", "--scenario", "injection-campaign", "--seed", "1", "--speed", str(SPEED),
                             "--batch-size", "10", "--target", api], tmp_path / "simulate.log", env))  # fmt: skip
        fired = None
        deadline = time.monotonic() + 120
        while fired is None and time.monotonic() < deadline:
            alerts = (_get(f"{prom}/api/v1/alerts") or {}).get("data", {}).get("alerts", [])
            fired = next((a for a in alerts if a["labels"]["alertname"] == "PromptInjectionSurge" and a["state"] == "firing"), None)
            if procs[0].poll() is not None or procs[1].poll() is not None:
                break
            time.sleep(0.5)
        lookout_alerts = (_get(f"{api}/v1/alerts") or {}).get("alerts", [])
    finally:
        _stop(procs)
    logs = {p: (tmp_path / p).read_text(errors="replace")[-2000:] for p in ("serve.log", "prometheus.log", "simulate.log")}
    assert fired is not None, f"PromptInjectionSurge never fired in Prometheus within 120 s; logs: {logs}"
    assert fired["labels"] | {"instance": "", "job": ""} == {
        "alertname": "PromptInjectionSurge", "category": "prompt_injection_jailbreak", "severity": "critical",
        "team": "security", "instance": "", "job": ""}  # fmt: skip
    assert fired["annotations"]["runbook_url"] == "docs/runbooks/prompt-injection.md"
    assert any(a["alert"] == "PromptInjectionSurge" for a in lookout_alerts)  # Lookout's own engine agrees
