"""``lookout incidents``: list, acknowledge, resolve incidents and set silences through the API.

    lookout incidents --status open
    lookout incidents ack INC-ID --by dana
    lookout incidents resolve INC-ID --by dana
    lookout incidents silence --matcher alertname=PiiLeak --duration 2h --by dana --comment "fix deploying"

Exit codes: 0 done, 1 the API cannot be reached, 2 the API refused the request (unknown id,
bad input, missing key); the API's own message is printed.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Annotated, Any, Optional

import typer

app = typer.Typer(
    help="List incidents, acknowledge or resolve one, or silence alerts (talks to the Lookout API).",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)

Url = Annotated[str, typer.Option("--url", envvar="LOOKOUT_API_URL", help="The Lookout service.")]
ApiKey = Annotated[Optional[str], typer.Option("--api-key", envvar="LOOKOUT_API_KEY", help="API key for writes.")]
By = Annotated[str, typer.Option("--by", help="Who acts (kept in the incident's timeline).")]
DEFAULT_URL = "http://127.0.0.1:8000"


def _client(url: str, api_key: str | None):  # noqa: ANN202 - an httpx.Client (tests pass a TestClient)
    import httpx

    return httpx.Client(base_url=url, headers={"X-API-Key": api_key} if api_key else {}, timeout=10.0)


def _call(url: str, api_key: str | None, method: str, path: str, **kwargs: Any) -> Any:
    """The JSON of a successful reply; otherwise print the problem and exit 1 (unreachable) or 2."""
    import httpx

    try:
        with _client(url, api_key) as client:
            resp = client.request(method, path, **kwargs)
    except httpx.TransportError as exc:
        typer.echo(f"error: cannot reach the Lookout API at {url} ({exc.__class__.__name__}: {exc}); is `lookout serve` running?", err=True)
        raise typer.Exit(1) from None
    if resp.status_code >= 400:
        try:
            detail = resp.json().get("detail", resp.text)
        except ValueError:
            detail = resp.text
        typer.echo(f"error: {method} {path}: {resp.status_code} {detail}", err=True)
        raise typer.Exit(2)
    return resp.json()


def _when(t: float | None) -> str:
    return "-" if t is None else datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d %H:%M")


def table(incidents: list[dict[str, Any]]) -> str:
    """Incidents as an aligned text table (times are event time, UTC)."""
    rows = [("ID", "SEVERITY", "STATUS", "LEVEL", "OPENED", "ALERTS", "ACKED BY")]
    for i in incidents:
        alerts = ",".join(sorted({a.get("labels", {}).get("alertname", k) for k, a in i["alerts"].items()})) or "-"
        rows.append((i["id"], i["severity"], i["status"], str(i["level"]), _when(i["opened_at"]), alerts, i["acked_by"] or "-"))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows)


@app.callback()
def incidents(
    ctx: typer.Context,
    status: Annotated[Optional[str], typer.Option(help="Only incidents in this status: open, acknowledged or resolved.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON instead of a table.")] = False,
    url: Url = DEFAULT_URL,
    api_key: ApiKey = None,
) -> None:
    """List incidents, newest first (with a subcommand: act on one)."""
    if ctx.invoked_subcommand is not None:
        return
    params = {"status": status} if status else {}
    found = _call(url, api_key, "GET", "/v1/incidents", params=params)["incidents"]
    typer.echo(json.dumps(found, indent=2) if as_json else table(found))


def _command(kind: str, incident_id: str, by: str, url: str, api_key: str | None) -> None:
    done = _call(url, api_key, "POST", f"/v1/incidents/{incident_id}/{kind}", json={"by": by})
    typer.echo(f"{kind} of {incident_id} by {by} accepted (command {done['command_id']}); the worker applies it at its next step")


@app.command()
def ack(incident_id: Annotated[str, typer.Argument(help="Incident id (see `lookout incidents`).")], by: By,
        url: Url = DEFAULT_URL, api_key: ApiKey = None) -> None:  # fmt: skip
    """Acknowledge an incident: escalation stops, it stays open."""
    _command("ack", incident_id, by, url, api_key)


@app.command()
def resolve(incident_id: Annotated[str, typer.Argument(help="Incident id (see `lookout incidents`).")], by: By,
            url: Url = DEFAULT_URL, api_key: ApiKey = None) -> None:  # fmt: skip
    """Resolve an incident by hand (resolved notifications go out)."""
    _command("resolve", incident_id, by, url, api_key)


@app.command()
def silence(
    matcher: Annotated[list[str], typer.Option("--matcher", help="label=value an alert must carry; repeat for more.")],
    by: By,
    duration: Annotated[Optional[str], typer.Option(help="How long, such as 2h (event time).")] = None,
    ends_at: Annotated[Optional[str], typer.Option("--ends-at", help="End, RFC 3339 with time zone (instead of --duration).")] = None,
    starts_at: Annotated[Optional[str], typer.Option("--starts-at", help="Start, RFC 3339 (default: the worker's clock now).")] = None,
    comment: Annotated[str, typer.Option(help="Why.")] = "",
    url: Url = DEFAULT_URL,
    api_key: ApiKey = None,
) -> None:
    """Mute the notifications of matching alerts (their state and automatic actions go on)."""
    matchers = {}
    for m in matcher:
        name, sep, value = m.partition("=")
        if not sep or not name:
            typer.echo(f"error: --matcher {m!r}: expected label=value, such as alertname=PiiLeak", err=True)
            raise typer.Exit(2)
        matchers[name.strip()] = value.strip()
    body = {"matchers": matchers, "created_by": by, "comment": comment}
    body |= {k: v for k, v in (("duration", duration), ("ends_at", ends_at), ("starts_at", starts_at)) if v is not None}
    made = _call(url, api_key, "POST", "/v1/silences", json=body)
    typer.echo(f"silence {made['id']} ({made['state']}) from {made['starts_at']} to {made['ends_at']} (event time) "
               f"for {', '.join(f'{k}={v}' for k, v in made['matchers'].items())}")  # fmt: skip
