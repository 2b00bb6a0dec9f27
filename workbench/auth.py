"""Login for the staff pages: one shared token (``OPSW_WORKBENCH_TOKEN``), sessions in memory.

* The token is compared in constant time (``hmac.compare_digest``); after MAX_FAILURES wrong tokens
  within FAILURE_WINDOW seconds logins pause until the window has passed.
* A session is a random id in an HttpOnly, SameSite=Strict cookie; the server keeps the id (and
  the session's CSRF token) in memory only, so a restart logs everybody out.
* Every POST form carries the session's CSRF token; the login form carries a one-off token that
  must match a short-lived pre-login cookie (double submit), so another site cannot log a
  browser in with a token of its choice.

The cookies themselves are set by the pages (``workbench.pages``, Sanic's cookie jar) with the
attributes of :meth:`Auth.cookie_attributes`.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

SESSION_COOKIE = "osw_wb"
LOGIN_COOKIE = "osw_wb_login"
LOGIN_COOKIE_SECONDS = 900
SESSION_SECONDS = 8 * 3600
MAX_SESSIONS = 200
MAX_FAILURES = 10  # wrong tokens per FAILURE_WINDOW before logins pause for the rest of the window
FAILURE_WINDOW = 60.0


@dataclass
class Session:
    id: str
    csrf: str
    expires: float


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
        self.secure = secure
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

    def session(self, session_id: str | None) -> Session | None:
        """The live session with this id (the value of the cookie SESSION_COOKIE), or None."""
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if session.expires < self._clock():
                self._sessions.pop(session_id, None)
                return None
            return session

    def csrf_ok(self, session: Session | None, submitted: str | None) -> bool:
        return session is not None and same(submitted, session.csrf)

    def _drop_expired(self) -> None:
        now = self._clock()
        for sid in [sid for sid, s in self._sessions.items() if s.expires < now]:
            del self._sessions[sid]

    # -- the login form's double submit -------------------------------------------------------
    @staticmethod
    def new_login_nonce() -> str:
        return secrets.token_urlsafe(24)

    @staticmethod
    def login_nonce_ok(cookie: str | None, submitted: str | None) -> bool:
        """The nonce of the login form matches the pre-login cookie LOGIN_COOKIE."""
        return same(cookie, submitted)

    # -- cookies ------------------------------------------------------------------------------
    def cookie_attributes(self) -> dict[str, str | bool]:
        """Every cookie of the staff pages: the whole site (Path=/), HttpOnly, SameSite=Strict, and Secure
        when the pages are served over HTTPS (OPSW_WORKBENCH_SECURE_COOKIE)."""
        attributes: dict[str, str | bool] = {"path": "/", "httponly": True, "samesite": "Strict"}
        if self.secure:
            attributes["secure"] = True
        return attributes
