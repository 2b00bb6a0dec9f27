"""Start the Rasa server or the action server closed by default (scripts/servers.sh uses this).

    python -m deploy.serve rasa    [more `rasa run` arguments]
    python -m deploy.serve actions [more `rasa run actions` arguments]
    python -m deploy.serve check     (exit 2 with a message when the settings are refused)

Rasa server:
* binds ``OPSW_BIND`` (default 127.0.0.1: only this machine reaches it);
* the HTTP API (trackers, events, model, execute, ...) is OFF unless ``OPSW_ENABLE_API=1``;
  then ``OPSW_API_TOKEN`` is required (at least 16 characters; the server refuses to start
  without it) and every API call must send ``?token=<token>``. The token is handed to Rasa inside
  this process, so it never appears on a command line (``ps``) or in a log;
* CORS allows only ``OPSW_CORS_ORIGINS`` (space or comma separated; default: the web page's own
  origin ``http://$OPSW_HOST:$OPSW_WEB_PORT``).

* ``GET /`` and ``GET /health`` answer ``{"status": "ok"}`` without Rasa's version (Rasa's own ``/`` answers
  "Hello from Rasa: 3.6.21", a banner for anyone probing for known holes); with the HTTP API on, ``/version``
  needs the token like the rest of the API. Health checks use ``/health`` (scripts/servers.sh).

Action server (rasa-sdk 3.6.2 takes its interface only from ``SANIC_HOST``, default 0.0.0.0):
* ``SANIC_HOST`` is set to ``OPSW_BIND``, so it listens where the Rasa server does (loopback by
  default: only the Rasa server on this machine can call it). No CORS (browsers never call it).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from typing import Any

MIN_TOKEN_LEN = 16
TRUE = ("1", "true", "yes", "on", "ja")


class ConfigError(Exception):
    """A setting that would open the server; the message is Dutch + English."""


def _on(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE


def cors_origins(env: Mapping[str, str]) -> list[str]:
    raw = env.get("OPSW_CORS_ORIGINS")
    if raw is None or not raw.strip():
        raw = f"http://{env.get('OPSW_HOST', 'localhost')}:{env.get('OPSW_WEB_PORT', '8080')}"
    return [o for o in re.split(r"[\s,]+", raw.strip()) if o]


def rasa_args(env: Mapping[str, str]) -> list[str]:
    """The `rasa run` arguments our settings add (HTTP API, token, CORS, interface)."""
    args = ["-i", env.get("OPSW_BIND") or "127.0.0.1"]
    if _on(env.get("OPSW_ENABLE_API")):
        token = (env.get("OPSW_API_TOKEN") or "").strip()
        if not token:
            raise ConfigError(
                "OPSW_ENABLE_API=1 maar OPSW_API_TOKEN is leeg: de HTTP-API gaat niet open zonder "
                "token. / OPSW_ENABLE_API=1 but OPSW_API_TOKEN is empty: the HTTP API is not opened "
                'without a token (e.g. export OPSW_API_TOKEN="$(openssl rand -hex 24)").'
            )
        if len(token) < MIN_TOKEN_LEN:
            raise ConfigError(
                f"OPSW_API_TOKEN is te kort (minstens {MIN_TOKEN_LEN} tekens). / OPSW_API_TOKEN is "
                f"too short (at least {MIN_TOKEN_LEN} characters)."
            )
        args += ["--enable-api", "--auth-token", token]
    origins = cors_origins(env)
    if "*" in origins:
        print(
            "[opsw] WAARSCHUWING/WARNING: OPSW_CORS_ORIGINS='*' lets every web site call this server from a browser",
            file=sys.stderr,
        )
    args += ["--cors", *origins]
    return args


def actions_env(env: Mapping[str, str]) -> dict[str, str]:
    out = dict(env)
    out["SANIC_HOST"] = env.get("OPSW_BIND") or "127.0.0.1"
    return out


def _refuse_own_flags(extra: list[str]) -> None:
    for flag in ("--enable-api", "--auth-token", "--cors", "-i", "--interface"):
        if flag in extra:
            raise ConfigError(
                f"{flag} komt uit de OPSW_*-variabelen, niet uit de argumenten. / "
                f"{flag} is set from the OPSW_* variables, not as an argument."
            )


def cache_action_response_validator() -> None:
    """Validate action-server responses with a validator built once (RasaHQ/rasa#11717).

    Rasa 3.6's ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which checks the schema
    against its meta-schema again on every call: 65-90 ms per message here with jsonschema 4.17 (most of the
    server's time per turn). The same schema and the same errors, checked with one prepared validator: < 1 ms.
    """
    from jsonschema import exceptions, validators
    from rasa.core.actions import action

    spec = action.RemoteAction.action_response_format_spec()
    cls = validators.validator_for(spec)
    cls.check_schema(spec)
    validator = cls(spec)

    def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        error = exceptions.best_match(validator.iter_errors(result))
        if error is not None:
            error.message += ". Failed to validate Action server response from API."
            raise error
        return True

    action.RemoteAction._validate_action_result = _validate_action_result


HEALTH_BODY = {"status": "ok"}


def no_version_banner(token: str | None) -> None:
    """Rasa's root route without the version; ``/health`` beside it; ``/version`` behind the API token.

    Rasa adds its ``GET /`` ("Hello from Rasa: <version>") through ``rasa.server.add_root_route``, with and without
    the HTTP API (``rasa.core.run`` calls it as ``server.add_root_route``, ``rasa.server.create_app`` by its
    module-global name): replacing that function before the app is built replaces the route in both.
    """
    import hmac

    import rasa.server
    from sanic import response
    from sanic.request import Request
    from sanic.response import HTTPResponse

    def add_root_route(app: Any) -> None:
        async def health(_: Request) -> HTTPResponse:
            return response.json(HEALTH_BODY)

        app.add_route(health, "/", methods=["GET"], name="opsw_root")
        app.add_route(health, "/health", methods=["GET"], name="opsw_health")

        @app.on_request
        async def version_needs_the_token(request: Request) -> HTTPResponse | None:
            if token is None or request.path.rstrip("/") != "/version":
                return None  # without the HTTP API there is no /version
            given = request.args.get("token") or ""
            if token and hmac.compare_digest(given.encode(), token.encode()):
                return None
            return response.json({"status": "failure", "reason": "NotAuthenticated", "code": 401}, status=401)

    rasa.server.add_root_route = add_root_route


def tune_sqlite() -> None:
    """Cheaper commits for the embedded SQLite tracker store: write-ahead log, fsync at checkpoints.

    Rasa saves the tracker once per message, on the event loop. With SQLite's defaults (rollback journal,
    ``synchronous=FULL``) each commit waits for the disk twice: about a third of the Rasa server's time per
    message in a profile here (docs/reports/latest.md). In WAL mode with ``synchronous=NORMAL`` a commit
    survives a crash of the server process; only a power cut can lose the last commits. ``busy_timeout``
    lets several Sanic workers share the file. PostgreSQL connections are not touched.
    """
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _sqlite_pragmas):  # one listener, however often this is called
        event.listen(Engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check"]:  # scripts/servers.sh: refuse before anything starts
        try:
            rasa_args(os.environ)
        except ConfigError as e:
            print(f"[opsw] FOUT/ERROR: {e}", file=sys.stderr)
            return 2
        return 0
    if not argv or argv[0] not in ("rasa", "actions"):
        print(__doc__, file=sys.stderr)
        return 2
    what, extra = argv[0], argv[1:]
    try:
        _refuse_own_flags(extra)
        if what == "rasa":
            full = ["rasa", "run", *rasa_args(os.environ), *extra]
        else:
            os.environ.update(actions_env(os.environ))
            full = ["rasa", "run", "actions", *extra]
    except ConfigError as e:
        print(f"[opsw] FOUT/ERROR: {e}", file=sys.stderr)
        return 2
    shown = ["***" if i and full[i - 1] == "--auth-token" else a for i, a in enumerate(full)]
    print("[opsw] " + " ".join(shown), file=sys.stderr, flush=True)
    sys.argv = full
    if what == "rasa":
        cache_action_response_validator()
        tune_sqlite()
        api_on = _on(os.environ.get("OPSW_ENABLE_API"))
        no_version_banner((os.environ.get("OPSW_API_TOKEN") or "").strip() if api_on else None)
    from rasa.__main__ import main as rasa_main

    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
