"""Staff pages of the web app: the workbench (``/workbench``) and the conversation review (``/review``).

They exist only when ``OPSW_WORKBENCH_TOKEN`` is set; ``from_env`` returns None otherwise.
scripts/serve_web.py adds them to its Sanic app with ``Workbench.install``.
See docs/workbench.md (for staff, in Dutch).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the pages import Sanic and the engine: only when the token is set
    from workbench.pages import Workbench

TOKEN_VAR = "OPSW_WORKBENCH_TOKEN"
OFF_NOTE = "Werkbank en gespreksreview staan uit: zet OPSW_WORKBENCH_TOKEN om /workbench en /review te openen."


def from_env(
    rasa_url: str, env: Mapping[str, str] | None = None, log: Callable[[str], None] | None = None
) -> Workbench | None:
    """The Workbench app configured from the environment, or None when no token is set."""
    env = os.environ if env is None else env
    token = (env.get(TOKEN_VAR) or "").strip()
    if not token:
        return None
    from workbench.pages import Workbench

    return Workbench(
        token=token,
        rasa_url=rasa_url,
        tracker_db_url=(env.get("OPSW_TRACKER_DB_URL") or "").strip() or None,
        secure_cookies=(env.get("OPSW_WORKBENCH_SECURE_COOKIE") or "").lower() in ("1", "true", "yes"),
        log=log,
        retention_days=_days(env.get("OPSW_RETENTION_DAYS")),
    )


def _days(raw: str | None) -> float | None:
    """OPSW_RETENTION_DAYS as a number of days (30 when unset, as deploy/retention.py and the privacy notice)."""
    try:
        days = float((raw or "30").strip())
    except ValueError:
        return None
    return days if days > 0 else None


__all__ = ["OFF_NOTE", "TOKEN_VAR", "from_env"]
