"""Login for the staff pages: one shared token (``OPSW_WORKBENCH_TOKEN``), sessions in memory.

* The token is compared in constant time (``hmac.compare_digest``); after MAX_FAILURES wrong tokens
  within FAILURE_WINDOW seconds logins pause until the window has passed.
* A session is a random id in an HttpOnly, SameSite=Strict cookie; the server keeps the id (and
  the session's CSRF token) in memory only, so a restart logs everybody out.
* Every POST form carries the session's CSRF token; the login form carries a one-off token that
  must match a short-lived pre-login cookie (double submit), so another site cannot log a
  browser in with a token of its choice.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

SESSION_COOKIE = "osw_wb"
LOGIN_COOKIE = "osw_wb_login"
SESSION_SECONDS = 8 * 3600
MAX_SESSIONS = 200
MAX_FAILURES = 10  # wrong tokens per FAILURE_WINDOW before logins pause for the rest of the window
FAILURE_WINDOW = 60.0


@dataclass
class Session:
    id: str
    csrf: str
    expires: float


def read_cookies(header: str | None) -> dict[str, str]:
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(header or "")
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in cookies.items()}


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two strings (False when either is missing)."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


class Auth:
    def __init__(
        self,
        token: str,
        secure: bool = False,
        clock: Callable[[], float] = time.monotonic,
        session_seconds: float = SESSION_SECONDS,
    ) -> None:
        if not token:
            raise ValueError("token is empty")
        self._token = token
        self._secure = secure
        self._clock = clock
        self._seconds = session_seconds
        self._sessions: dict[str, Session] = {}
        self._failures: list[float] = []
        self._lock = threading.Lock()

    # -- login / logout ----------------------------------------------------------------------
    def check_token(self, candidate: str | None) -> bool:
        return same(candidate, self._token)

    def locked(self) -> bool:
        """Too many wrong tokens lately: logins pause (guessing the token takes too long to be worth it)."""
        with self._lock:
            now = self._clock()
            self._failures = [t for t in self._failures if now - t < FAILURE_WINDOW]
            return len(self._failures) >= MAX_FAILURES

    def login(self, candidate: str | None) -> Session | None:
        if self.locked():
            return None
        if not self.check_token(candidate):
            with self._lock:
                self._failures.append(self._clock())
            return None
        session = Session(secrets.token_urlsafe(32), secrets.token_urlsafe(32), self._clock() + self._seconds)
        with self._lock:
            self._drop_expired()
            if len(self._sessions) >= MAX_SESSIONS:  # oldest first out
                oldest = min(self._sessions.values(), key=lambda s: s.expires)
                self._sessions.pop(oldest.id, None)
            self._sessions[session.id] = session
        return session

    def logout(self, session: Session) -> None:
        with self._lock:
            self._sessions.pop(session.id, None)

    def session(self, headers: Mapping[str, str]) -> Session | None:
        """The live session of this request's cookie, or None."""
        sid = read_cookies(headers.get("Cookie")).get(SESSION_COOKIE)
        if not sid:
            return None
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None
            if session.expires < self._clock():
                self._sessions.pop(sid, None)
                return None
            return session

    def csrf_ok(self, session: Session | None, submitted: str | None) -> bool:
        return session is not None and same(submitted, session.csrf)

    def _drop_expired(self) -> None:
        now = self._clock()
        for sid in [sid for sid, s in self._sessions.items() if s.expires < now]:
            del self._sessions[sid]

    # -- cookies ------------------------------------------------------------------------------
    def _cookie(self, name: str, value: str, max_age: int | None, path: str = "/") -> str:
        parts = [f"{name}={value}", f"Path={path}", "HttpOnly", "SameSite=Strict"]
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        if self._secure:
            parts.append("Secure")
        return "; ".join(parts)

    def session_cookie(self, session: Session) -> str:
        return self._cookie(SESSION_COOKIE, session.id, None)

    def clear_session_cookie(self) -> str:
        return self._cookie(SESSION_COOKIE, "", 0)

    @staticmethod
    def new_login_nonce() -> str:
        return secrets.token_urlsafe(24)

    def login_cookie(self, nonce: str) -> str:
        return self._cookie(LOGIN_COOKIE, nonce, 900)

    def clear_login_cookie(self) -> str:
        return self._cookie(LOGIN_COOKIE, "", 0)

    @staticmethod
    def login_nonce_ok(headers: Mapping[str, str], submitted: str | None) -> bool:
        return same(read_cookies(headers.get("Cookie")).get(LOGIN_COOKIE), submitted)
