"""Test doubles and helpers for the channel tests.

* ``telegram_update`` / ``twilio_form``: the payloads Telegram and Twilio really
  post to the webhook (Telegram Update JSON; Twilio form fields).
* ``TelegramApiMock`` (aioresponses) and ``TwilioApiMock`` (responses):
  intercept the real hosts api.telegram.org (aiogram -> aiohttp) and
  api.twilio.com (twilio -> requests) in-process.
* ``FakeServices``: one loopback HTTP server that plays the Telegram Bot API,
  the Twilio REST API and a callback receiver, for a Rasa server running in
  another process (the connectors get ``api_base_url`` pointing here).
* ``rasa_app``: a Rasa server (Sanic) with given input channels and a model,
  started in-process on a free loopback port.
"""

import asyncio
import contextlib
import itertools
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qs

FAKE_TELEGRAM_TOKEN = "123456789:AAFakeTokenForTestsOnly-abcdefghijklmn"
FAKE_BOT_USERNAME = "OpschalingswijzerTestBot"
FAKE_TWILIO_SID = "AC" + "0" * 30 + "fa"
FAKE_TWILIO_TOKEN = "fake-twilio-auth-token-for-tests"
FAKE_TWILIO_NUMBER = "whatsapp:+14155238886"
FAKE_SMS_NUMBER = "+3197010000001"

_ids = itertools.count(1000)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- what the services send to the webhook --------------------------------------------------


def telegram_update(chat_id: int, text: str, first_name: str = "Anna") -> Dict[str, Any]:
    """A Telegram ``Update`` with a private text message (as POSTed to the webhook)."""
    user = {
        "id": chat_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": "nl",
    }
    message: Dict[str, Any] = {
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
) -> Dict[str, str]:
    """Form fields of Twilio's incoming-message webhook (SMS or WhatsApp)."""
    sid = "SM%032x" % next(_ids)
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


def twilio_signature(url: str, form: Dict[str, str], auth_token: str = FAKE_TWILIO_TOKEN) -> str:
    from twilio.request_validator import RequestValidator

    return RequestValidator(auth_token).compute_signature(url, form)


# --- answers of the fake APIs ----------------------------------------------------------------


def telegram_result(method: str, fields: Dict[str, Any]) -> Any:
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


def twilio_result(account_sid: str, fields: Dict[str, str]) -> Dict[str, Any]:
    sid = "SM%032x" % next(_ids)
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


def _form_fields(data: Any) -> Dict[str, Any]:
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
        self.calls: List[Dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(self, call: Dict[str, Any]) -> None:
        with self._lock:
            self.calls.append(call)

    def select(self, **match: Any) -> List[Dict[str, Any]]:
        with self._lock:
            return [c for c in self.calls if all(c.get(k) == v for k, v in match.items())]

    def wait_for(
        self, count: int, timeout: float = 30.0, **match: Any
    ) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.select(**match)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"expected {count} calls matching {match}, got {self.select(**match)}")

    async def async_wait_for(
        self, count: int, timeout: float = 30.0, **match: Any
    ) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.select(**match)
            if len(found) >= count:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"expected {count} calls matching {match}, got {self.select(**match)}")


# --- in-process interception of the real hosts ----------------------------------------------


class TelegramApiMock(Recorder):
    """Intercepts ``https://api.telegram.org/bot<token>/<method>`` (aiohttp)."""

    def __init__(self, token: str = FAKE_TELEGRAM_TOKEN) -> None:
        super().__init__()
        self.token = token
        self._mock = None

    def __enter__(self) -> "TelegramApiMock":
        from aioresponses import CallbackResult, aioresponses

        # only api.telegram.org is intercepted; requests to the local Rasa server pass
        self._mock = aioresponses(passthrough=["http://127.0.0.1", "http://localhost"])
        mock = self._mock.__enter__()
        pattern = re.compile(r"^https://api\.telegram\.org/bot(?P<token>[^/]+)/(?P<method>\w+)$")

        def callback(url, **kwargs):
            match = pattern.match(str(url))
            method = match.group("method")
            fields = _form_fields(kwargs.get("data"))
            self.add({"method": method, "token": match.group("token"), **fields})
            if match.group("token") != self.token:
                return CallbackResult(
                    status=401, payload={"ok": False, "error_code": 401, "description": "Unauthorized"}
                )
            return CallbackResult(status=200, payload={"ok": True, "result": telegram_result(method, fields)})

        mock.post(pattern, callback=callback, repeat=True)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._mock.__exit__(*exc)

    def sent_messages(self) -> List[Dict[str, Any]]:
        return self.select(method="sendMessage")


class TwilioApiMock(Recorder):
    """Intercepts ``https://api.twilio.com/2010-04-01/Accounts/<sid>/Messages.json`` (requests)."""

    def __init__(self, auth_token: str = FAKE_TWILIO_TOKEN) -> None:
        super().__init__()
        self.auth_token = auth_token
        self._mock = None

    def __enter__(self) -> "TwilioApiMock":
        import responses

        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self._mock.__enter__()
        pattern = re.compile(
            r"^https://api\.twilio\.com/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$"
        )

        def callback(request):
            sid = pattern.match(request.url).group("sid")
            fields = {k: v[0] for k, v in parse_qs(request.body or "").items()}
            self.add({"account_sid": sid, "authorization": request.headers.get("Authorization"), **fields})
            return 201, {"Content-Type": "application/json"}, json.dumps(twilio_result(sid, fields))

        self._mock.add_callback(responses.POST, pattern, callback=callback)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._mock.__exit__(*exc)

    def bodies(self, to: Optional[str] = None) -> List[str]:
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
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

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
                twilio = re.match(
                    r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$", self.path
                )
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


def _parse_body(raw: bytes, content_type: str) -> Dict[str, Any]:
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
        return {key: form.getfirst(key) for key in form.keys()}
    return {"raw": raw.decode(errors="replace")}


# --- an in-process Rasa server ---------------------------------------------------------------


@contextlib.asynccontextmanager
async def rasa_app(model_path: str, input_channels: List[Any], endpoints: Any = None):
    """Rasa's Sanic app with ``input_channels`` and the model, on a free port.

    Yields ``(base_url, app)``; the agent is ``app.ctx.agent``. ``endpoints``
    (rasa.core.utils.AvailableEndpoints) e.g. for a shared SQL tracker store. Server
    listeners (the Telegram webhook registration) run as in ``rasa run``.
    """
    from sanic import Sanic

    from rasa.core.agent import load_agent
    from rasa.core.run import configure_app

    Sanic.test_mode = True  # several apps with the same name in one process
    app = configure_app(input_channels=input_channels, enable_api=True, route="/webhooks/")
    app.ctx.agent = await load_agent(model_path=model_path, endpoints=endpoints)
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


async def tracker_events(app: Any, sender_id: str) -> List[Dict[str, Any]]:
    tracker = await app.ctx.agent.tracker_store.retrieve(sender_id)
    return [e.as_dict() for e in tracker.events] if tracker else []


def last_user_event(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return [e for e in events if e.get("event") == "user"][-1]


async def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")
