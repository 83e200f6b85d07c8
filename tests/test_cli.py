"""The `lookout` command line: simulate to a file or a service, replay, serve, demo."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest
from typer.testing import CliRunner

from conftest import REPO, free_port
from pipeline_helpers import config_dir
from services.cli import app

runner = CliRunner()


def test_simulate_writes_jsonl_that_is_identical_for_a_seed(tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (a, b):
        result = runner.invoke(app, ["simulate", "--scenario", "baseline", "--seed", "3", "--events", "250", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert f"wrote 250 events to {out}" in result.output
    assert a.read_bytes() == b.read_bytes()
    assert len(a.read_text().splitlines()) == 250
    assert json.loads(a.read_text().splitlines()[0])["event_id"] == "baseline-s3-0000000"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "--scenario", "baseline"], "give exactly one of --target URL or --out FILE.jsonl"),
        (["simulate", "--out", "x.jsonl", "--target", "http://x"], "give exactly one of --target URL or --out FILE.jsonl"),
        (["simulate", "--scenario", "baseline", "--from-file", "x.csv", "--out", "x.jsonl"], "--scenario and --from-file exclude each other"),
        (["simulate", "--from-file", "missing.csv", "--out", "x.jsonl"], "file not found: missing.csv"),
        (["simulate", "--events", "0", "--out", "x.jsonl"], "Invalid value for '--events': Input should be greater than or equal to 1"),
    ],
)
def test_simulate_refuses_bad_arguments_with_a_clear_message(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_unknown_scenario_names_the_available_ones(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "services", "simulate", "--scenario", "nope", "--out", str(tmp_path / "x.jsonl")],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: unknown scenario 'nope'; available: baseline, demo, ")


def test_simulate_sends_to_a_service_and_replays_a_file(client, tmp_path, monkeypatch):
    # Route the CLI's HTTP client to the in-process test service.
    import simulators.sender as sender_mod

    monkeypatch.setattr(sender_mod.httpx, "Client", lambda **kw: client)
    monkeypatch.setattr(client, "close", lambda: None)
    result = runner.invoke(app, ["simulate", "--scenario", "injection-campaign", "--events", "120", "--target", "http://testserver"])
    assert result.exit_code == 0, result.output
    assert "sent 120 events in 2 batches: stored 120, duplicates 0" in result.output
    log = tmp_path / "log.csv"
    log.write_text("question,answer\nhi,hello\nbye,goodbye\n")
    result = runner.invoke(app, ["simulate", "--from-file", str(log), "--target", "http://testserver"])
    assert "stored 2, duplicates 0" in result.output
    assert client.app.state.store.count_events() == 122


def test_demo_streams_events_into_the_service_until_ctrl_c(tmp_path):
    port, dash_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "services", "demo", "--port", str(port), "--speed", "3000", "--dashboard-port", str(dash_port),
         "--events", "1500"],
        cwd=tmp_path,  # the demo's var/demo.db goes here
        # The fast embedder: this test is about the wiring and Ctrl-C, not the model.
        env={**os.environ, "PYTHONPATH": str(REPO), "LOOKOUT_CONFIG_DIR": str(config_dir(tmp_path))},
        # As in a terminal: a shell running this suite in the background ignores SIGINT, and its
        # children would inherit that (then Ctrl-C never reaches the demo).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, count = time.monotonic() + 60, 0
        while time.monotonic() < deadline and count < 200:
            time.sleep(0.5)
            try:
                count = len(httpx.get(f"{base}/v1/events", params={"limit": 1000}, timeout=2).json()["events"])
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read()
        assert count >= 200, "events arrive in /v1/events"
        metrics = httpx.get(f"{base}/metrics", timeout=2).text
        assert 'lookout_events_ingested_total{model_version="support-bot-v1"' in metrics
        health = None
        for _ in range(60):  # the dashboard (Streamlit) takes a few seconds to come up
            try:
                health = httpx.get(f"http://127.0.0.1:{dash_port}/_stcore/health", timeout=2).text
                break
            except httpx.TransportError:
                time.sleep(0.5)
        assert health == "ok"
    finally:
        proc.send_signal(signal.SIGINT)
        try:  # the worker finishes its window first, which is slow on a loaded machine
            out, _ = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate(timeout=10)  # reap it and close its pipe
            raise AssertionError(f"the demo did not stop within 90 s of Ctrl-C:\n{out}") from None
    assert proc.returncode == 0, out
    assert f"API         {base}" in out
    assert f"dashboard   http://127.0.0.1:{dash_port}" in out
    assert "stopped." in out
    assert (tmp_path / "var" / "demo.db").exists()


def test_check_config_accepts_the_bundled_configs():
    result = runner.invoke(app, ["check-config"])
    assert result.exit_code == 0, result.output
    assert "monitor.yaml, harm_categories.yaml and 5 scenarios are valid" in result.output


def test_check_config_lists_every_problem_and_exits_1(tmp_path):
    import shutil

    from services.config.base import repo_configs_dir

    folder = tmp_path / "cfg"
    shutil.copytree(repo_configs_dir(), folder)
    monitor = folder / "monitor.yaml"
    monitor.write_text(monitor.read_text().replace("window: 5m", "window: 5 minutes"))
    scenario = folder / "scenarios" / "baseline.yaml"
    scenario.write_text(scenario.read_text().replace("  rate: 10/m", "  rate: ten"))
    result = runner.invoke(app, ["check-config", str(folder)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        "monitor.yaml: window: expected a duration such as '30s', '5m', '2h' or '1d' (units ms, s, m, h, d, w), got '5 minutes'",
        "scenarios/baseline.yaml: defaults.rate: expected a rate such as '12/m' (events per s, m or h), got 'ten'",
        f"2 problem(s) in {folder}",
    ]
