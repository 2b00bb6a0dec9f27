"""Test doubles and helpers for the channel tests.

* ``telegram_update`` / ``twilio_form``: the payloads Telegram and Twilio really
  post to the webhook (Telegram Update JSON; Twilio form fields).
* ``TelegramApiMock`` and ``TwilioApiMock``: intercept the calls to the real
  hosts api.telegram.org (aiogram -> aiohttp session) and api.twilio.com
  (twilio -> requests) in-process, without extra test libraries.
* ``FakeServices``: one loopback HTTP server that plays the Telegram Bot API,
  the Twilio REST API and a callback receiver, for a Rasa server running in
  another process (the connectors get ``api_base_url`` pointing here).
* ``rasa_app``: a Rasa server (Sanic) with given input channels and a model,
  started in-process on a free loopback port; ``channel_app``: only the channels'
  webhooks, with a fake ``on_new_message`` instead of Rasa.
* ``conversation_of``: the conversation id (tracker key) a text channel uses for a
  chat id or phone number.
"""

import asyncio
import contextlib
import itertools
import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from channels.sender_ids import pseudonym
from tests.conftest import Server, stop_process

FAKE_TELEGRAM_TOKEN = "123456789:AAFakeTokenForTestsOnly-abcdefghijklmn"
FAKE_BOT_USERNAME = "OpschalingswijzerTestBot"
FAKE_TWILIO_SID = "AC" + "0" * 30 + "fa"
FAKE_TWILIO_TOKEN = "fake-twilio-auth-token-for-tests"
FAKE_TWILIO_NUMBER = "whatsapp:+14155238886"
FAKE_SMS_NUMBER = "+3197010000001"
FAKE_SENDER_SALT = "fake-sender-salt-for-the-live-tests"

_ids = itertools.count(1000)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- what the services send to the webhook --------------------------------------------------


def telegram_update(chat_id: int, text: str, first_name: str = "Anna") -> dict[str, Any]:
    """A Telegram ``Update`` with a private text message (as POSTed to the webhook)."""
    user = {
        "id": chat_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": "nl",
    }
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "from": user,
        "chat": {"id": chat_id, "first_name": first_name, "type": "private"},
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split(" ", 1)[0]
        message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    return {"update_id": next(_ids), "message": message}


def twilio_form(
    sender: str,
    body: str,
    to: str = FAKE_TWILIO_NUMBER,
    account_sid: str = FAKE_TWILIO_SID,
) -> dict[str, str]:
    """Form fields of Twilio's incoming-message webhook (SMS or WhatsApp)."""
    sid = f"SM{next(_ids):032x}"
    form = {
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "To": to,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }
    if sender.startswith("whatsapp:"):
        form.update(
            {
                "ProfileName": "Anna",
                "WaId": sender.split("+", 1)[-1],
                "MessageType": "text",
                "ReferralNumMedia": "0",
            }
        )
    else:
        form.update({"FromCountry": "NL", "ToCountry": "NL", "FromCity": "", "ToCity": ""})
    return form


def twilio_signature(url: str, form: dict[str, str], auth_token: str = FAKE_TWILIO_TOKEN) -> str:
    from twilio.request_validator import RequestValidator

    return RequestValidator(auth_token).compute_signature(url, form)


# --- answers of the fake APIs ----------------------------------------------------------------


def telegram_result(method: str, fields: dict[str, Any]) -> Any:
    if method == "getMe":
        return {
            "id": int(FAKE_TELEGRAM_TOKEN.split(":")[0]),
            "is_bot": True,
            "first_name": "Opschalingswijzer",
            "username": FAKE_BOT_USERNAME,
        }
    if method == "sendMessage":
        return {
            "message_id": next(_ids),
            "from": {"id": 123456789, "is_bot": True, "first_name": "Opschalingswijzer"},
            "chat": {"id": int(fields.get("chat_id", 0)), "type": "private"},
            "date": int(time.time()),
            "text": fields.get("text", ""),
        }
    return True  # setWebhook, deleteWebhook, ...


def twilio_result(account_sid: str, fields: dict[str, str]) -> dict[str, Any]:
    sid = f"SM{next(_ids):032x}"
    return {
        "sid": sid,
        "account_sid": account_sid,
        "to": fields.get("To"),
        "from": fields.get("From"),
        "body": fields.get("Body"),
        "status": "queued",
        "num_segments": "1",
        "num_media": "0",
        "direction": "outbound-api",
        "api_version": "2010-04-01",
        "date_created": "Sat, 22 Nov 2026 12:00:00 +0000",
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
    }


def _form_fields(data: Any) -> dict[str, Any]:
    """Fields of what aiogram hands to aiohttp (a FormData) or a plain dict."""
    if data is None:
        return {}
    if isinstance(data, dict):
        return dict(data)
    fields = {}
    for options, _headers, value in getattr(data, "_fields", []):
        fields[options["name"]] = value
    return fields


class Recorder:
    """Thread-safe list of intercepted calls, with waiting."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(self, call: dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(call)

    def select(self, **match: Any) -> list[dict[str, Any]]:
        with self._lock:
            return [c for c in self.calls if all(c.get(k) == v for k, v in match.items())]

    def wait_for(self, count: int, timeout: float = 30.0, **match: Any) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.select(**match)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} calls matching {match}, got {self.select(**match)}")

    async def async_wait_for(self, count: int, timeout: float = 30.0, **match: Any) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.select(**match)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"expected {count} calls matching {match}, got {self.select(**match)}")


# --- in-process interception of the real hosts ----------------------------------------------
#
# No extra test library: aiogram gets its aiohttp session from Bot.get_new_session(), so
# the mock hands it a fake session; twilio sends through requests.Session.send(), which
# the mock replaces for https://api.twilio.com only. Both see the full URL the library
# built, so the tests check that the real hosts would have been called.

TELEGRAM_URL_RE = re.compile(r"^https://api\.telegram\.org/bot(?P<token>[^/]+)/(?P<method>\w+)$")
TWILIO_URL_RE = re.compile(r"^https://api\.twilio\.com/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$")


class _FakeAiohttpResponse:
    content_type = "application/json"

    def __init__(self, status: int, payload: Any) -> None:
        self.status = status
        self._body = json.dumps(payload)

    async def text(self) -> str:
        return self._body

    async def __aenter__(self) -> "_FakeAiohttpResponse":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        return None


class _FakeTelegramSession:
    """Stands in for aiogram's aiohttp.ClientSession."""

    def __init__(self, mock: "TelegramApiMock") -> None:
        self._mock = mock
        self.closed = False

    def post(self, url: Any, data: Any = None, **kwargs: Any) -> _FakeAiohttpResponse:
        return self._mock.handle(str(url), _form_fields(data))

    async def close(self) -> None:
        self.closed = True


class TelegramApiMock(Recorder):
    """Intercepts aiogram's calls to ``https://api.telegram.org/bot<token>/<method>``."""

    def __init__(self, token: str = FAKE_TELEGRAM_TOKEN) -> None:
        super().__init__()
        self.token = token
        self._patch = None

    def handle(self, url: str, fields: dict[str, Any]) -> _FakeAiohttpResponse:
        match = TELEGRAM_URL_RE.match(url)
        if not match:  # any other host is a test failure
            self.add({"method": None, "url": url, **fields})
            raise AssertionError(f"unexpected Telegram API URL {url}")
        method = match.group("method")
        self.add({"method": method, "url": url, "token": match.group("token"), **fields})
        if match.group("token") != self.token:
            return _FakeAiohttpResponse(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        return _FakeAiohttpResponse(200, {"ok": True, "result": telegram_result(method, fields)})

    def __enter__(self) -> "TelegramApiMock":
        from unittest import mock

        from aiogram.bot.base import BaseBot

        self._patch = mock.patch.object(BaseBot, "get_new_session", lambda bot: _FakeTelegramSession(self))
        self._patch.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._patch.stop()

    def sent_messages(self) -> list[dict[str, Any]]:
        return self.select(method="sendMessage")


class TwilioApiMock(Recorder):
    """Intercepts twilio's REST calls to ``https://api.twilio.com/...`` (requests)."""

    def __init__(self) -> None:
        super().__init__()
        self._patch = None

    def __enter__(self) -> "TwilioApiMock":
        from unittest import mock

        import requests
        from requests.structures import CaseInsensitiveDict

        original_send = requests.Session.send
        recorder = self

        def send(session: Any, prepared: Any, **kwargs: Any) -> Any:
            if not prepared.url.startswith("https://api.twilio.com/"):
                return original_send(session, prepared, **kwargs)
            match = TWILIO_URL_RE.match(prepared.url)
            body = prepared.body.decode() if isinstance(prepared.body, bytes) else prepared.body or ""
            fields = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
            recorder.add(
                {
                    "url": prepared.url,
                    "method": prepared.method,
                    "account_sid": match.group("sid") if match else None,
                    "authorization": prepared.headers.get("Authorization"),
                    **fields,
                }
            )
            response = requests.Response()
            response.request = prepared
            response.url = prepared.url
            response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
            if match and prepared.method == "POST":
                response.status_code = 201
                response._content = json.dumps(twilio_result(match.group("sid"), fields)).encode()
            else:
                response.status_code = 404
                response._content = b'{"code": 20404, "message": "not found", "status": 404}'
            return response

        self._patch = mock.patch.object(requests.Session, "send", send)
        self._patch.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._patch.stop()

    def bodies(self, to: str | None = None) -> list[str]:
        calls = self.select(To=to) if to else self.select()
        return [c["Body"] for c in calls]


# --- out-of-process fake services ------------------------------------------------------------


class FakeServices(Recorder):
    """Loopback HTTP server: Telegram Bot API, Twilio REST API and a callback receiver.

    Records: ``{"service": "telegram", "method": ..., <fields>}``,
    ``{"service": "twilio", ...form fields}``, ``{"service": "callback", ...json}``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.callback_url = f"{self.url}/callback"
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "FakeServices":
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _reply(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                ctype = self.headers.get("Content-Type", "")
                fields = _parse_body(raw, ctype)
                telegram = re.match(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$", self.path)
                twilio = re.match(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$", self.path)
                if telegram:
                    method = telegram.group("method")
                    recorder.add({"service": "telegram", "method": method, **fields})
                    if telegram.group("token") != FAKE_TELEGRAM_TOKEN:
                        self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                        return
                    self._reply(200, {"ok": True, "result": telegram_result(method, fields)})
                elif twilio:
                    recorder.add({"service": "twilio", **fields})
                    self._reply(201, twilio_result(twilio.group("sid"), fields))
                elif self.path == "/callback":
                    recorder.add({"service": "callback", **fields})
                    self._reply(200, {"ok": True})
                else:
                    self._reply(404, {"ok": False})

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "application/json" in content_type:
        data = json.loads(raw.decode())
        return data if isinstance(data, dict) else {"json": data}
    if "application/x-www-form-urlencoded" in content_type:
        return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
    if "multipart/form-data" in content_type:
        import cgi
        import io

        environ = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(raw))}
        form = cgi.FieldStorage(fp=io.BytesIO(raw), environ=environ, keep_blank_values=True)
        return {key: form.getfirst(key) for key in form}
    return {"raw": raw.decode(errors="replace")}


# --- an in-process Rasa server ---------------------------------------------------------------


@contextlib.asynccontextmanager
async def rasa_app(model_path: str, input_channels: list[Any], endpoints: Any = None):
    """Rasa's Sanic app with ``input_channels`` and the model, on a free port.

    Yields ``(base_url, app)``; the agent is ``app.ctx.agent``. ``endpoints``
    (rasa.core.utils.AvailableEndpoints) e.g. for a shared SQL tracker store. Server
    listeners (the Telegram webhook registration) run as in ``rasa run``.
    """
    from rasa.core.agent import load_agent
    from rasa.core.run import configure_app
    from sanic import Sanic

    Sanic.test_mode = True  # several apps with the same name in one process
    app = configure_app(input_channels=input_channels, enable_api=True, route="/webhooks/")
    app.ctx.agent = await load_agent(model_path=model_path, endpoints=endpoints)
    async with serving(app) as base:
        yield base, app


@contextlib.asynccontextmanager
async def channel_app(input_channels: list[Any], on_new_message: Callable[[Any], Any]):
    """Only the channels' webhooks (``/webhooks/<name>/...``, as Rasa registers them), each
    message handed to ``on_new_message`` (through the channel's guard); no model, no tracker
    store. Yields the base URL."""
    from sanic import Sanic

    Sanic.test_mode = True
    app = Sanic(f"channels_{next(_ids)}")
    for channel in input_channels:
        app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.url_prefix()}")
    async with serving(app) as base:
        yield base


@contextlib.asynccontextmanager
async def serving(app: Any):
    """Serve a Sanic app on a free loopback port, with its start and stop listeners."""
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


async def tracker_events(app: Any, sender_id: str) -> list[dict[str, Any]]:
    tracker = await app.ctx.agent.tracker_store.retrieve(sender_id)
    return [e.as_dict() for e in tracker.events] if tracker else []


def conversation_of(channel: str, address: str, salt: str | None = None) -> str:
    """The conversation id (the tracker store's key) of ``address`` on the text channel ``channel``,
    with the secret ``salt`` (default: ``OPSW_SENDER_SALT`` of this process)."""
    return pseudonym(channel, address, (salt or os.environ["OPSW_SENDER_SALT"]).encode())


def last_user_event(events: list[dict[str, Any]]) -> dict[str, Any]:
    return [e for e in events if e.get("event") == "user"][-1]


async def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


# --- a real `rasa run` with the Telegram/Twilio connectors switched on ----------------------


@dataclass
class ChannelServer(Server):
    """``rasa run`` started the way scripts/run.sh does it: credentials generated by
    scripts/make_credentials.py from the repo's credentials.yml and environment
    variables, here fake tokens plus API base URLs pointing at ``FakeServices``."""

    env: dict[str, str] = field(default_factory=dict)
    credentials: Any = None

    @property
    def telegram_webhook(self) -> str:
        return f"{self.url}/webhooks/telegram/webhook"

    @property
    def twilio_webhook(self) -> str:
        return f"{self.url}/webhooks/twilio/webhook"

    def rest(self, text: str, sender: str) -> list[dict[str, Any]]:
        return post_json(f"{self.url}/webhooks/rest/webhook", {"sender": sender, "message": text})


def post_json(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None, timeout: float = 120) -> Any:
    import urllib.request

    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body.strip().startswith((b"[", b"{")) else body.decode()


def post_form(url: str, form: dict[str, str], headers: dict[str, str] | None = None, timeout: float = 120) -> int:
    import urllib.error
    import urllib.parse
    import urllib.request

    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def post_telegram_update(url: str, update: dict[str, Any], secret: str | None) -> int:
    import urllib.error

    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    try:
        post_json(url, update, headers)
        return 200
    except urllib.error.HTTPError as error:
        return error.code


FAKE_SECRET_TOKEN = "fake_secret_token_for_tests"


def channel_env(base_env: dict[str, str], fake: "FakeServices", port: int) -> dict[str, str]:
    env = {k: v for k, v in base_env.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    env.update(
        TELEGRAM_ACCESS_TOKEN=FAKE_TELEGRAM_TOKEN,
        TELEGRAM_VERIFY=FAKE_BOT_USERNAME,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/webhooks/telegram/webhook",
        TELEGRAM_SECRET_TOKEN=FAKE_SECRET_TOKEN,
        TELEGRAM_API_BASE_URL=fake.url,
        TWILIO_ACCOUNT_SID=FAKE_TWILIO_SID,
        TWILIO_AUTH_TOKEN=FAKE_TWILIO_TOKEN,
        TWILIO_NUMBER=FAKE_TWILIO_NUMBER,
        TWILIO_API_BASE_URL=fake.url,
        OPSW_CALLBACK_URL=fake.callback_url,
        OPSW_SENDER_SALT=FAKE_SENDER_SALT,
        OPSW_RASA_PORT=str(port),
        RASA_TELEMETRY_ENABLED="false",
    )
    return env


@contextlib.contextmanager
def channel_server(
    rasa_bin: str,
    python_bin: str,
    root: Any,
    model: Any,
    env: dict[str, str],
    port: int,
    workdir: Any,
    timeout: float = 600,
):
    """Generate the credentials with scripts/make_credentials.py and start ``rasa run``."""
    import subprocess
    import urllib.request

    credentials = workdir / "credentials.generated.yml"
    made = subprocess.run(
        [
            python_bin,
            str(root / "scripts" / "make_credentials.py"),
            "--strict",
            "--base",
            str(root / "credentials.yml"),
            "--out",
            str(credentials),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "telegram" in made.stdout and "twilio (whatsapp)" in made.stdout, made.stdout
    for secret in (FAKE_TELEGRAM_TOKEN, FAKE_TWILIO_TOKEN, FAKE_SECRET_TOKEN):
        assert secret not in made.stdout + made.stderr
        assert secret not in credentials.read_text()

    log = workdir / "rasa-channels.log"
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            [
                rasa_bin,
                "run",
                "--enable-api",
                "-i",
                "127.0.0.1",
                "-p",
                str(port),
                "--model",
                str(model),
                "--credentials",
                str(credentials),
                "--endpoints",
                str(root / "endpoints.yml"),
            ],
            cwd=str(root),
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = ChannelServer(f"http://127.0.0.1:{port}", port, proc, log, env=env, credentials=credentials)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"rasa run exited ({proc.returncode}):\n{server.log_tail()}")
            try:
                with urllib.request.urlopen(f"{server.url}/status", timeout=3) as r:
                    if r.status == 200:
                        break
            except Exception:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"rasa run did not start in {timeout}s:\n{server.log_tail()}")
            time.sleep(1)
        yield server
    finally:
        stop_process(proc)
