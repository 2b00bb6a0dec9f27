"""The staff pages: ``/workbench`` (run scenario files, explain one case) and ``/review`` (recent
conversations → scenarios). No JavaScript: plain HTML forms, so they work with a keyboard, on a tablet
and with a screen reader.

They are Sanic routes (a blueprint): ``Workbench.install(app)`` adds them to a Sanic app, with the login,
the CSRF check and the security headers; scripts/serve_web.py installs them in the web server of
``make run``, :func:`create_app` makes an app with only these pages (tests). Sanic parses the requests
(forms, uploads, cookies); the pages themselves are plain functions ``(request, session) -> HTTPResponse``
that run in a worker thread (running scenarios and reading the tracker store block).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import os
import re
import tempfile
import threading
import traceback
from collections.abc import Callable, Coroutine, Mapping
from datetime import date, timedelta
from http.cookies import CookieError
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from sanic import Blueprint, Sanic
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from opschaling import render
from opschaling.catalogue import Catalogue, load_catalogue
from opschaling.deadlines import Deadline
from opschaling.scenarios import Result, Scenario, ScenarioError, load, run_local, run_rest
from opschaling.scenarios import report as scenario_report
from workbench import case as case_view
from workbench import charts, overview, review
from workbench.auth import LOGIN_COOKIE, LOGIN_COOKIE_SECONDS, SESSION_COOKIE, Auth, Session

MAX_BODY = 5 * 1024 * 1024
MAX_CASES = 200
RESPONSE_SECONDS = 900  # running 200 scenarios through Rasa takes minutes (Sanic's default: 60 s)
STATIC = Path(__file__).resolve().parent / "templates"
SAFE_NEXT = ("/workbench", "/review", "/review/overzicht")  # the pages a login may return to
CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CSP,
}
HTML = "text/html; charset=utf-8"


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def is_staff_path(path: str) -> bool:
    """Whether a URL path belongs to the staff pages (``/workbench``, ``/review`` and below)."""
    path = urlsplit(path).path
    return any(path == p or path.startswith(p + "/") for p in SAFE_NEXT)


# ------------------------------------------------------------------------------------------------
# responses
# ------------------------------------------------------------------------------------------------
def redirect(location: str) -> HTTPResponse:
    return HTTPResponse(b"", status=303, headers={"Location": location}, content_type="text/plain; charset=utf-8")


def download(text: str, filename: str, kind: str) -> HTTPResponse:
    return HTTPResponse(
        text.encode("utf-8"),
        content_type=kind,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def form_of(request: Request) -> dict[str, str]:
    """The fields of a POSTed form (urlencoded or multipart), the first value of each."""
    return {name: values[0] for name, values in request.form.items() if values}


def query_of(request: Request) -> dict[str, str]:
    return {name: values[0] for name, values in request.args.items() if values}


# ------------------------------------------------------------------------------------------------
# layout
# ------------------------------------------------------------------------------------------------
def layout(title: str, body: str, session: Session | None = None, current: str = "", status: int = 200) -> HTTPResponse:
    nav = ""
    if session is not None:
        items = []
        for href, label in (
            ("/workbench", "Werkbank"),
            ("/review", "Gesprekken"),
            ("/review/overzicht", "Overzicht regio"),
        ):
            mark = ' aria-current="page"' if href == current else ""
            items.append(f'<li><a href="{href}"{mark}>{label}</a></li>')
        nav = (
            f'<nav aria-label="Hoofdmenu"><ul>{"".join(items)}</ul></nav>'
            f'<form method="post" action="/workbench/logout">{csrf_field(session)}'
            '<button type="submit" class="licht">Uitloggen</button></form>'
        )
    page = f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} – Opschalingswijzer</title>
<link rel="stylesheet" href="/workbench/static/workbench.css">
</head>
<body>
<a class="skip" href="#inhoud">Naar de inhoud</a>
<header class="top"><span class="naam">Opschalingswijzer – voor medewerkers</span>{nav}</header>
<main id="inhoud" tabindex="-1">
<h1>{esc(title)}</h1>
{body}
</main>
</body>
</html>
"""
    return HTTPResponse(page.encode("utf-8"), status=status, content_type=HTML)


def csrf_field(session: Session) -> str:
    return f'<input type="hidden" name="csrf" value="{esc(session.csrf)}">'


def errors_box(title: str, problems: list[str]) -> str:
    items = "".join(f"<li>{esc(p)}</li>" for p in problems)
    return f'<div class="fout" role="alert"><h2>{esc(title)}</h2><ul>{items}</ul></div>'


def select(
    name: str, label: str, options: list[tuple[str, str]], chosen: str = "", empty: str = "— niet gekozen —"
) -> str:
    opts = [f'<option value="">{esc(empty)}</option>']
    for value, title in options:
        mark = " selected" if value == chosen else ""
        opts.append(f'<option value="{esc(value)}"{mark}>{esc(title)}</option>')
    return (
        f'<label for="{esc(name)}">{esc(label)}</label>'
        f'<select id="{esc(name)}" name="{esc(name)}">{"".join(opts)}</select>'
    )


# ------------------------------------------------------------------------------------------------
# the scenario package (opschaling/scenarios)
# ------------------------------------------------------------------------------------------------
class ScenarioRunner:
    """Load, run and report scenario files with opschaling.scenarios."""

    def __init__(self, rasa_url: str) -> None:
        self.rasa_url = rasa_url

    @staticmethod
    def load(data: bytes, filename: str) -> list[Scenario]:
        """The scenarios of an upload; the loader reads paths, so the upload goes to a private temp folder
        under its own (safe) name. Errors name the upload, never the temp folder."""
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename).name).strip("._") or "scenarios.yaml"
        with tempfile.TemporaryDirectory(prefix="osw-wb-") as folder:
            path = Path(folder) / safe
            path.write_bytes(data)
            try:
                return load([path])
            except ScenarioError as exc:
                problems = [p.replace(str(path), filename).replace(folder + os.sep, "") for p in exc.problems]
                raise ScenarioError(problems) from None

    def run(self, items: list[Scenario], local: bool) -> list[Result]:
        if local:
            return run_local.run_all(items)
        return run_rest.run_all(items, self.rasa_url)

    @staticmethod
    def report(results: list[Result]) -> str:
        return scenario_report.html_page(results)


BODY_INNER = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
STYLE = re.compile(r"<style[^>]*>.*?</style>", re.S | re.I)
PAGE_RULES = re.compile(r"(?<![\w.#-])(?:html|body)\s*\{[^}]*\}", re.I)
SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
HEADING_1 = re.compile(r"<(/?)h1\b", re.I)


def embed_report(document: str) -> str:
    """The report's body (and its styles, minus page-wide rules) inside our page; no scripts; its h1
    becomes an h3 (the page has its own h1 and h2)."""
    styles = PAGE_RULES.sub("", "".join(STYLE.findall(document)))
    match = BODY_INNER.search(document)
    inner = match.group(1) if match else document
    inner = SCRIPT.sub("", STYLE.sub("", inner))
    inner = HEADING_1.sub(lambda m: f"<{m.group(1)}h3", inner)
    return styles + inner


def looks_like_csv(text: str) -> bool:
    """A pasted sheet (header row with ; , or tabs and the column naam) although 'YAML' was chosen."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    cells = re.split(r"[;,\t]", first.lower())
    return len(cells) > 1 and "naam" in (c.strip().strip('"') for c in cells) and ": " not in first


def route_label(catalogue: Catalogue, situation: str | None, none: str) -> str:
    """The Dutch label of a route (situation id), the id itself when the catalogue does not know it."""
    if not situation:
        return none
    route = catalogue.routes.get(situation)
    return route.label if route is not None else situation


def summary_counts(results: list[Result]) -> tuple[int, int]:
    passed = sum(1 for r in results if r.passed)
    return passed, len(results) - passed


# ------------------------------------------------------------------------------------------------
# the app
# ------------------------------------------------------------------------------------------------
Page = Callable[[Request, Session], HTTPResponse]
_names = itertools.count(1)  # Sanic wants a unique name per app and per blueprint of an app


class Workbench:
    def __init__(
        self,
        token: str,
        rasa_url: str = "http://localhost:5005",
        tracker_db_url: str | None = None,
        secure_cookies: bool = False,
        today: Callable[[], date] = date.today,
        log: Callable[[str], None] | None = None,
        retention_days: float | None = None,
    ) -> None:
        self.auth = Auth(token, secure=secure_cookies)
        self.retention_days = retention_days  # OPSW_RETENTION_DAYS: the overview says which periods are cut short
        self.rasa_url = rasa_url
        self.tracker_db_url = tracker_db_url
        self.runner = ScenarioRunner(rasa_url)
        self.today = today
        self.log = log or (lambda text: None)
        self._store: review.TrackerStore | None = None
        self._store_lock = threading.Lock()

    # -- Sanic ----------------------------------------------------------------------------------
    def install(self, app: Sanic) -> None:
        """Add the staff pages to ``app``: their routes, a request body of at most MAX_BODY, time for long
        scenario runs, and the security headers on every answer under /workbench and /review (Sanic's own
        error pages included)."""
        app.config.REQUEST_MAX_SIZE = MAX_BODY
        app.config.RESPONSE_TIMEOUT = max(int(app.config.RESPONSE_TIMEOUT), RESPONSE_SECONDS)
        app.blueprint(self.blueprint())
        app.register_middleware(_staff_headers, "response")

        def too_large(request: Request | None, exception: Exception) -> HTTPResponse:
            if request is not None and is_staff_path(request.path):
                return self._plain(413, "Het bestand is te groot (hooguit 5 MB).")
            return app.error_handler.default(request, exception)

        app.error_handler.add(PayloadTooLarge, too_large)

    def blueprint(self) -> Blueprint:
        """Every page and download; the login, the CSRF check and the error page come with each route."""
        bp = Blueprint(f"workbench_{next(_names)}")
        get, post = ["GET", "HEAD"], ["POST"]
        pages: list[tuple[str, list[str], Page | None]] = [
            ("/workbench", get, self._workbench),
            ("/workbench/logout", post, self._logout),
            ("/workbench/run", post, self._run),
            ("/workbench/case", post, self._case),
            ("/workbench/voorbeeld.csv", get, self._example_csv),
            ("/workbench/voorbeeld.yaml", get, self._example_yaml),
            ("/review", get, self._review),
            ("/review/gesprek", get, self._conversation),
            ("/review/scenario.csv", get, self._scenario_csv),
            ("/review/scenario.yaml", get, self._scenario_yaml),
            ("/review/export.csv", get, self._export),
            ("/review/overzicht", get, self._overview),
            ("/review/overzicht.csv", get, self._overview_csv),
            # any other path below the two pages: "not found" (after the login, like every page)
            ("/workbench/<rest:path>", [*get, *post], None),
            ("/review/<rest:path>", [*get, *post], None),
        ]
        for index, (uri, methods, page) in enumerate(pages):
            bp.add_route(self._route(page), uri, methods=methods, name=f"page_{index}")
        bp.add_route(_stylesheet, "/workbench/static/workbench.css", methods=get, name="stylesheet")

        async def login(request: Request) -> HTTPResponse:  # Sanic marks its handlers: no bound method
            return self._login(request)

        bp.add_route(login, "/workbench/login", methods=post, name="login")
        return bp

    def _route(self, page: Page | None) -> Callable[..., Coroutine[Any, Any, HTTPResponse]]:
        async def route(request: Request, rest: str | None = None) -> HTTPResponse:
            if rest is not None and not rest.strip("/") and request.method != "POST":
                return redirect(request.path.rstrip("/"))  # /review/ is /review
            return await self._guarded(request, page)

        return route

    async def _guarded(self, request: Request, page: Page | None) -> HTTPResponse:
        """A page for a logged-in member of staff: the form must come from this site and carry the session's
        CSRF token; without a session a GET gets the login form (or a redirect to it), a POST a refusal."""
        try:
            method = request.method
            if method == "POST" and not self._same_origin(request):
                return self._plain(403, "Verzoek geweigerd: het formulier komt niet van deze site.")
            session = self._session(request)
            if session is None:
                path = request.path
                if method == "POST":
                    return self._plain(403, "U bent niet (meer) ingelogd. Log opnieuw in.")
                if path in SAFE_NEXT:
                    return self._login_page(path)
                return redirect("/workbench?" + urlencode({"next": "/workbench"}))
            if method == "POST" and not self.auth.csrf_ok(session, form_of(request).get("csrf")):
                return self._plain(403, "Verzoek geweigerd: het formulier is verlopen. Laad de pagina opnieuw.")
            if page is None:
                return layout("Pagina niet gevonden", "<p>Deze pagina bestaat niet.</p>", session, status=404)
            # running scenarios and reading the tracker store block: not on the event loop
            return await asyncio.get_running_loop().run_in_executor(None, page, request, session)
        except Exception:  # noqa: BLE001 - never a stack trace to the browser
            return self._failed(request)

    def _failed(self, request: Request) -> HTTPResponse:
        self.log("werkbank: fout bij " + request.path + "\n" + traceback.format_exc())
        return layout(
            "Er ging iets mis",
            '<div class="fout" role="alert"><p>Er ging iets mis op de server. '
            "Probeer het opnieuw. Blijft het misgaan? Meld het aan de beheerder.</p></div>",
            self._session(request),
            status=500,
        )

    @staticmethod
    def _plain(status: int, text: str) -> HTTPResponse:
        return layout(
            "Niet gelukt",
            f'<div class="fout" role="alert"><p>{esc(text)}</p></div><p><a href="/workbench">Naar de werkbank</a></p>',
            status=status,
        )

    @staticmethod
    def _same_origin(request: Request) -> bool:
        origin = request.headers.get("origin")
        if not origin or origin == "null":
            return origin != "null"
        host = request.headers.get("host") or ""
        return urlsplit(origin).netloc == host

    # -- sessions and cookies -------------------------------------------------------------------
    @staticmethod
    def _cookie(request: Request, name: str) -> str | None:
        try:
            return request.cookies.get(name)
        except CookieError:  # a cookie header the parser refuses: no session
            return None

    def _session(self, request: Request) -> Session | None:
        return self.auth.session(self._cookie(request, SESSION_COOKIE))

    def _set_cookie(self, response: HTTPResponse, name: str, value: str, max_age: int | None = None) -> None:
        response.cookies[name] = value
        cookie = response.cookies[name]
        for key, setting in self.auth.cookie_attributes().items():
            cookie[key] = setting
        if max_age is not None:
            cookie["max-age"] = max_age

    # -- login ----------------------------------------------------------------------------------
    def _login_page(self, next_path: str, failed: bool = False, locked: bool = False) -> HTTPResponse:
        nonce = self.auth.new_login_nonce()
        text = (
            "Er is te vaak een verkeerde toegangscode gebruikt. Wacht een minuut en probeer het dan opnieuw."
            if locked
            else "De toegangscode klopt niet. Probeer het opnieuw."
        )
        error = f'<div class="fout" role="alert"><p>{text}</p></div>' if failed else ""
        body = f"""{error}
<p>Deze pagina's zijn voor cliëntondersteuners en medewerkers van het Juiste Loket. Log in met de
toegangscode die u van de beheerder kreeg.</p>
<form method="post" action="/workbench/login">
<input type="hidden" name="nonce" value="{esc(nonce)}">
<input type="hidden" name="next" value="{esc(next_path)}">
<label for="token">Toegangscode</label>
<input type="password" id="token" name="token" autocomplete="current-password" required>
<button type="submit">Inloggen</button>
</form>"""
        response = layout("Inloggen", body, status=429 if locked else 401 if failed else 200)
        self._set_cookie(response, LOGIN_COOKIE, nonce, LOGIN_COOKIE_SECONDS)
        return response

    def _login(self, request: Request) -> HTTPResponse:
        try:
            if not self._same_origin(request):
                return self._plain(403, "Verzoek geweigerd: het formulier komt niet van deze site.")
            form = form_of(request)
            next_path = form["next"] if form.get("next") in SAFE_NEXT else "/workbench"
            if not self.auth.login_nonce_ok(self._cookie(request, LOGIN_COOKIE), form.get("nonce")):
                return self._plain(403, "Verzoek geweigerd: het inlogformulier is verlopen. Laad de pagina opnieuw.")
            if self.auth.locked():
                self.log("werkbank: inloggen gepauzeerd (te vaak een verkeerde toegangscode)")
                return self._login_page(next_path, failed=True, locked=True)
            session = self.auth.login(form.get("token"))
            if session is None:
                self.log("werkbank: inloggen mislukt (verkeerde toegangscode)")
                return self._login_page(next_path, failed=True)
            response = redirect(next_path)
            self._set_cookie(response, SESSION_COOKIE, session.id)
            self._set_cookie(response, LOGIN_COOKIE, "", 0)
            return response
        except Exception:  # noqa: BLE001 - never a stack trace to the browser
            return self._failed(request)

    def _logout(self, request: Request, session: Session) -> HTTPResponse:
        self.auth.logout(session)
        response = redirect("/workbench")
        self._set_cookie(response, SESSION_COOKIE, "", 0)
        return response

    # -- workbench ------------------------------------------------------------------------------
    def _workbench(
        self,
        request: Request,
        session: Session,
        result: str = "",
        form: Mapping[str, str] | None = None,
        status: int = 200,
    ) -> HTTPResponse:
        form = form or {}
        ran = "soort" in form  # the scenario form was sent: keep its choice; else "zonder Rasa" is on
        local = " checked" if form.get("lokaal") or not ran else ""
        catalogue = self._catalogue()
        selects = "".join(
            f"<div>{select(fact, label, case_view.options(catalogue, fact), form.get(fact, ''))}</div>"
            for fact, label in case_view.select_facts(catalogue)
        )
        dates = "".join(
            f'<div><label for="{name}">{esc(case_view.FACT_LABELS.get(name, name))}</label>'
            f'<input type="text" id="{name}" name="{name}" placeholder="bijv. 03-03-2026 of weet ik niet" '
            f'value="{esc(form.get(name, ""))}"></div>'
            for name in case_view.DATE_FACTS
        )
        bodies = case_view.body_options(catalogue)
        outcomes = list(case_view.OUTCOME_LABELS.items())
        tried = "".join(
            f"<div>{select(f'stap_{i}', f'Stap {i}', bodies, form.get(f'stap_{i}', ''))}"
            f"{select(f'uitkomst_{i}', f'Uitkomst van stap {i}', outcomes, form.get(f'uitkomst_{i}', ''))}</div>"
            for i in range(1, case_view.TRIED_ROWS + 1)
        )
        body = f"""{result}
<section aria-labelledby="kop-bestand">
<h2 id="kop-bestand">Scenario's testen</h2>
<p>Laad een bestand met scenario's (Excel .xlsx, CSV of YAML) of plak de tekst hieronder. De assistent voert
elk gesprek en u ziet per scenario of de genoemde stap klopt. Voorbeelden:
<a href="/workbench/voorbeeld.csv">voorbeeld.csv</a> en <a href="/workbench/voorbeeld.yaml">voorbeeld.yaml</a>.</p>
<form method="post" action="/workbench/run" enctype="multipart/form-data">
{csrf_field(session)}
<label for="bestand">Bestand (.xlsx, .csv, .yaml)</label>
<input type="file" id="bestand" name="bestand" accept=".xlsx,.csv,.yaml,.yml">
<label for="tekst">Of plak de scenario's</label>
<p class="hint" id="tekst-hint">Plak YAML of CSV (met kopregel). Laat leeg als u een bestand kiest.</p>
<textarea id="tekst" name="tekst" aria-describedby="tekst-hint" spellcheck="false">{esc(form.get("tekst", ""))}</textarea>
<label for="soort">Soort geplakte tekst</label>
<select id="soort" name="soort">
<option value="yaml"{" selected" if form.get("soort") != "csv" else ""}>YAML</option>
<option value="csv"{" selected" if form.get("soort") == "csv" else ""}>CSV</option>
</select>
<label class="check" for="lokaal"><input type="checkbox" id="lokaal" name="lokaal" value="1"{local}>
zonder Rasa (snel): alleen de regels van de assistent, zonder taalherkenning</label>
<button type="submit">Scenario's uitvoeren</button>
</form>
</section>
<section aria-labelledby="kop-casus">
<h2 id="kop-casus">Eén casus</h2>
<p>Beschrijf een casus in gewone woorden. U ziet welke feiten de assistent gebruikt, welke treden hij
bekijkt of overslaat en waarom, en welke stap hij noemt, met de bronnen.</p>
<form method="post" action="/workbench/case">
{csrf_field(session)}
<label for="casus">Casus</label>
<p class="hint" id="casus-hint">Bijvoorbeeld: "Mijn moeder kreeg een besluit van het CIZ op 3 maart en we zijn het er niet mee eens."</p>
<textarea id="casus" name="casus" aria-describedby="casus-hint">{esc(form.get("casus", ""))}</textarea>
<fieldset><legend>Wat u al weet (niet verplicht)</legend>
<p class="hint">Wat u hier kiest, gaat voor op wat de assistent uit de tekst haalt.</p>
<div class="kolommen">{selects}
{dates}
</div></fieldset>
<fieldset><legend>Stappen die al gezet zijn (niet verplicht)</legend>
<div class="kolommen">{tried}</div></fieldset>
<button type="submit">Laat de redenering zien</button>
</form>
</section>"""
        return layout("Werkbank", body, session, "/workbench", status)

    def _run(self, request: Request, session: Session) -> HTTPResponse:
        form = form_of(request)
        upload = request.files.get("bestand")
        if upload is not None and upload.body:  # a file input left empty sends a part without a body
            filename = Path(upload.name.replace("\\", "/")).name or "bestand"
            data = upload.body
        elif form.get("tekst", "").strip():
            text = form["tekst"]
            filename = "geplakt." + ("csv" if form.get("soort") == "csv" or looks_like_csv(text) else "yaml")
            data = text.encode("utf-8")
        else:
            box = errors_box("Geen scenario's", ["Kies een bestand of plak de scenario's in het tekstvak."])
            return self._workbench(request, session, box, form, 400)
        local = bool(form.get("lokaal"))
        try:
            items = self.runner.load(data, filename)
        except ScenarioError as exc:
            box = errors_box(f"Het bestand {filename} heeft fouten; er is niets uitgevoerd", exc.problems)
            return self._workbench(request, session, box, form, 400)
        if len(items) > MAX_CASES:
            box = errors_box(
                "Te veel scenario's", [f"Hooguit {MAX_CASES} scenario's per keer; dit bestand heeft er {len(items)}."]
            )
            return self._workbench(request, session, box, form, 400)
        try:
            results = self.runner.run(items, local)
        except ConnectionError as exc:
            box = errors_box(
                "Rasa is niet bereikbaar",
                [
                    f"De assistent op {self.rasa_url} antwoordt niet ({exc}). Kies 'zonder Rasa (snel)' of vraag de beheerder Rasa te starten."
                ],
            )
            return self._workbench(request, session, box, form, 502)
        passed, failed = summary_counts(results)
        how = "zonder Rasa" if local else f"met Rasa ({self.rasa_url})"
        page = embed_report(self.runner.report(results))
        result = (
            f'<section aria-labelledby="kop-uitslag" class="rapport"><h2 id="kop-uitslag">Uitslag van {esc(filename)}</h2>'
            f'<p class="melding" role="status" id="samenvatting">{passed} goed, {failed} fout, van {len(results)} '
            f'scenario\'s ({esc(how)}).</p><div class="tabel">{page}</div></section>'
        )
        return self._workbench(request, session, result, form)

    def _case(self, request: Request, session: Session) -> HTTPResponse:
        form = form_of(request)
        text = form.get("casus", "")[:4000]
        view = case_view.explain(text, form, today=self.today(), catalogue=self._catalogue())
        return self._workbench(request, session, render_case(view, self._catalogue()), form)

    def _example_csv(self, request: Request, session: Session) -> HTTPResponse:
        return download(review.scenario_csv(EXAMPLES), "voorbeeld-scenarios.csv", "text/csv; charset=utf-8")

    def _example_yaml(self, request: Request, session: Session) -> HTTPResponse:
        return download(review.scenario_yaml(EXAMPLES), "voorbeeld-scenarios.yaml", "application/yaml; charset=utf-8")

    @staticmethod
    def _catalogue() -> Catalogue:
        return load_catalogue()

    # -- review ---------------------------------------------------------------------------------
    def store(self) -> review.TrackerStore | None:
        if not self.tracker_db_url:
            return None
        with self._store_lock:  # pages run in worker threads
            if self._store is None:
                self._store = review.TrackerStore(self.tracker_db_url)
            return self._store

    def _no_store(self, session: Session, title: str = "Gesprekken", current: str = "/review") -> HTTPResponse:
        return layout(
            title,
            '<div class="melding" role="status"><p>Er is geen gespreksopslag ingesteld '
            "(OPSW_TRACKER_DB_URL). Vraag de beheerder.</p></div>",
            session,
            current,
            503,
        )

    def _filtered(self, request: Request) -> tuple[list[review.Conversation], review.Filters]:
        filters = review.Filters.from_query(query_of(request))
        store = self.store()
        conversations = store.conversations() if store else []
        return [c for c in conversations if filters.accepts(c)], filters

    def _review(self, request: Request, session: Session) -> HTTPResponse:
        if self.store() is None:
            return self._no_store(session)
        items, filters = self._filtered(request)
        wanted = query_of(request).get("pagina", "1")
        number = int(wanted) if wanted.isdigit() else 1
        shown, number, pages = review.page(items, number)
        catalogue = self._catalogue()
        routes = [("-", "Nog geen route")] + [(rid, r.label) for rid, r in catalogue.routes.items()]
        filter_form = f"""<form method="get" action="/review" aria-label="Filters">
<div class="kolommen">
<div>{select("route", "Route", routes, filters.route, "Alle routes")}</div>
<div>{select("fallback", "Niet begrepen (fallback)", [("ja", "Ja, ergens niet begrepen"), ("nee", "Nee, alles begrepen")], filters.fallback, "Alle gesprekken")}</div>
<div>{select("feedback", "Feedback", [("down", "👎 hielp niet"), ("up", "👍 hielp"), ("any", "Met feedback"), ("comment", "Met opmerking"), ("none", "Zonder feedback")], filters.feedback, "Alle gesprekken")}</div>
</div>
<button type="submit">Filter toepassen</button>
<a class="knop licht" href="/review/export.csv?{esc(urlencode(filters.query()))}">Lijst downloaden (CSV)</a>
</form>"""
        rows = []
        for c in shown:
            link = "/review/gesprek?" + urlencode({"id": c.sender_id, **filters.query()})
            route = route_label(catalogue, c.situation, "–")
            opening = c.opening if len(c.opening) <= 120 else c.opening[:117] + "…"
            rows.append(
                f'<tr><td><a href="{esc(link)}">{esc(review.when(c.last))}</a></td><td>{esc(opening)}</td>'
                f"<td>{esc(route)}</td><td>{esc(case_view.body_label(catalogue, c.step) if c.step else '–')}</td>"
                f"<td>{'ja' if c.fallback else 'nee'}</td><td>{esc(c.feedback_summary or '–')}"
                f"{''.join('<br>' + esc(t) for t in c.comments)}</td></tr>"
            )
        table = (
            '<p role="status">Geen gesprekken gevonden met deze filters.</p>'
            if not rows
            else '<div class="tabel"><table><caption>Gesprekken, nieuwste eerst '
            f'({len(items)} gevonden)</caption><thead><tr><th scope="col">Laatste bericht</th>'
            '<th scope="col">Eerste bericht</th><th scope="col">Route</th><th scope="col">Genoemde stap</th>'
            '<th scope="col">Niet begrepen</th><th scope="col">Feedback</th></tr></thead><tbody>'
            + "".join(rows)
            + "</tbody></table></div>"
        )
        paging = ""
        if pages > 1:

            def page_link(n: int, text: str) -> str:
                return f'<a href="/review?{esc(urlencode({**filters.query(), "pagina": n}))}">{text}</a>'

            parts = [
                page_link(number - 1, "Vorige pagina") if number > 1 else "",
                f"<span>Pagina {number} van {pages}</span>",
                page_link(number + 1, "Volgende pagina") if number < pages else "",
            ]
            paging = f'<nav class="paging" aria-label="Pagina\'s">{"".join(parts)}</nav>'
        intro = (
            "<p>De laatste gesprekken met de assistent. Teksten zijn geanonimiseerd. Klik op een gesprek om het "
            "te lezen en er een scenario van te maken.</p>"
        )
        return layout("Gesprekken", intro + filter_form + table + paging, session, "/review")

    def _get_conversation(self, request: Request) -> review.Conversation | None:
        store = self.store()
        sender = query_of(request).get("id", "")
        return store.conversation(sender) if store and sender else None

    def _conversation(self, request: Request, session: Session) -> HTTPResponse:
        if self.store() is None:
            return self._no_store(session)
        c = self._get_conversation(request)
        if c is None:
            return layout(
                "Gesprek niet gevonden",
                '<p>Dit gesprek bestaat niet (meer).</p><p><a href="/review">Terug naar de gesprekken</a></p>',
                session,
                "/review",
                404,
            )
        catalogue = self._catalogue()
        ident = urlencode({"id": c.sender_id})
        messages = "".join(
            f'<li class="{m.who}"><span class="visually-hidden">{"Gebruiker" if m.who == "user" else "Assistent"}: </span>'
            f"{esc(m.text)}</li>"
            for m in c.messages
        )
        feedback = (
            "".join(
                f"<li>{'👍 hielp' if f.value == 'up' else '👎 hielp niet' if f.value == 'down' else 'opmerking'}"
                f"{(': ' + esc(f.comment)) if f.comment else ''}{(' (over: ' + esc(f.about[:80]) + ')') if f.about else ''}</li>"
                for f in c.feedback
            )
            or "<li>geen</li>"
        )
        route = route_label(catalogue, c.situation, "nog geen")
        back = "/review?" + urlencode(review.Filters.from_query(query_of(request)).query())
        body = f"""<p><a href="{esc(back)}">Terug naar de gesprekken</a></p>
<div class="tabel"><table><caption>Over dit gesprek</caption><tbody>
<tr><th scope="row">Begonnen</th><td>{esc(review.when(c.started))}</td></tr>
<tr><th scope="row">Route</th><td>{esc(route)}</td></tr>
<tr><th scope="row">Genoemde stap</th><td>{esc(case_view.body_label(catalogue, c.step) if c.step else "geen")}</td></tr>
<tr><th scope="row">Niet begrepen (fallback)</th><td>{"ja" if c.fallback else "nee"}</td></tr>
</tbody></table></div>
<h2>Feedback</h2><ul>{feedback}</ul>
<h2>Als scenario</h2>
<p>Maak van dit gesprek een test. In het bestand staat als 'verwacht' de stap die de assistent noemde:
pas die aan als het antwoord fout was, en zet het bestand daarna op de werkbank.</p>
<p><a class="knop" href="/review/scenario.csv?{esc(ident)}" download>Download als scenario (CSV, voor Excel)</a>
<a class="knop licht" href="/review/scenario.yaml?{esc(ident)}" download>Download als scenario (YAML)</a></p>
<h2>Het gesprek</h2><ol class="gesprek">{messages}</ol>"""
        return layout("Gesprek", body, session, "/review")

    def _scenario_file(self, request: Request, session: Session, kind: str) -> HTTPResponse:
        if self.store() is None:
            return self._no_store(session)
        c = self._get_conversation(request)
        if c is None:
            return layout("Gesprek niet gevonden", "<p>Dit gesprek bestaat niet (meer).</p>", session, "/review", 404)
        name = "scenario-" + (re.sub(r"[^A-Za-z0-9_-]+", "_", c.sender_id)[:40] or "gesprek")
        record = review.scenario_record(c)
        if kind == "csv":
            return download(review.scenario_csv([record]), name + ".csv", "text/csv; charset=utf-8")
        return download(review.scenario_yaml([record]), name + ".yaml", "application/yaml; charset=utf-8")

    def _scenario_csv(self, request: Request, session: Session) -> HTTPResponse:
        return self._scenario_file(request, session, "csv")

    def _scenario_yaml(self, request: Request, session: Session) -> HTTPResponse:
        return self._scenario_file(request, session, "yaml")

    def _export(self, request: Request, session: Session) -> HTTPResponse:
        if self.store() is None:
            return self._no_store(session)
        items, _filters = self._filtered(request)
        return download(review.list_csv(items), "gesprekken.csv", "text/csv; charset=utf-8")

    # -- the regional overview (counts only) ----------------------------------------------------------
    def _counted(self, request: Request) -> overview.Overview:
        """The overview of the selection in the request, from the tracker store (codes only, never a text)."""
        catalogue = self._catalogue()
        allowed = overview.allowed_values(catalogue)
        selection = overview.Selection.from_query(query_of(request), self.today(), allowed, self._oldest())
        store = self.store()
        labels, order = overview.catalogue_labels(catalogue)
        if store is None:
            return overview.build((), selection, labels, order)
        start, end = selection.bounds
        found = overview.records(store.state_events(store.senders_between(start, end)))  # streamed, per conversation
        return overview.build(found, selection, labels, order)

    def _overview(self, request: Request, session: Session) -> HTTPResponse:
        title = "Overzicht regio: waar loopt het vast?"
        if self.store() is None:
            return self._no_store(session, title, "/review/overzicht")
        counted = self._counted(request)
        selection = counted.selection
        catalogue = self._catalogue()
        reflection = (catalogue.woonzorgplek.get("also") or {}).get("casusoverstijgende_reflectie") or {}
        questions = "".join(f"<li>{esc(q)}</li>" for q in reflection.get("questions") or ())
        intro = f"""<p>Tellingen over de bewaarde gesprekken met de assistent, voor de periodieke reflectie op knelpunten uit
het stappenplan passende woonzorgplek (S2): in welke situaties gesprekken zonder volgende stap eindigen, welke
stappen de assistent noemde en welke routes uitgeput raakten, per wet, rol en leeftijd, per week of maand.</p>
{f"<details><summary>Vragen voor de reflectie (stappenplan passende woonzorgplek)</summary><ul>{questions}</ul></details>" if questions else ""}
<p>Alleen aantallen gesprekken, nooit wat er geschreven is. <strong>&lt;5</strong>: minder dan 5 gesprekken (ook 0).
<strong>×</strong>: verborgen, omdat anders een getal onder de 5 uit te rekenen is. <em>Met volgende stap</em>: het
gesprek eindigde met een genoemde stap. <em>Zonder volgende stap</em>: het gesprek stopte bij een vraag, na een
crisisbericht, of de route was uitgeput. Een gesprek telt in de week of maand van het eerste bericht; "Nieuw gesprek"
begint een nieuw gesprek.</p>"""
        notes = list(selection.notes)
        horizon = self._oldest()
        if horizon is not None and selection.first < horizon:
            notes.append(
                f"Gesprekken worden na {self.retention_days:g} dagen verwijderd (bewaartermijn): wat vóór "
                f"{horizon.strftime('%d-%m-%Y')} begon, telt niet of niet helemaal mee."
            )
        notes_html = (
            '<div class="melding" role="status"><ul>' + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul></div>"
            if notes
            else ""
        )
        body = intro + notes_html + self._overview_form(selection, catalogue)
        total = counted.total
        period = f"{selection.first.strftime('%d-%m-%Y')} tot en met {selection.last.strftime('%d-%m-%Y')}"
        if total.hidden:
            body += (
                f'<p class="melding" role="status" id="samenvatting">Minder dan 5 gesprekken van {esc(period)} '
                "met deze keuzes: er is niets te tonen.</p>"
            )
        else:
            met, zonder = counted.cell(overview.WITH_STEP), counted.cell(overview.WITHOUT_STEP)
            body += (
                f'<p class="melding" role="status" id="samenvatting">{total.count} gesprekken van {esc(period)}: '
                f"{esc(met.text)} met een volgende stap, {esc(zonder.text)} zonder.</p>"
            )
            body += "".join(charts.section(table, counted.cells) for table in counted.tables)
        return layout(title, body, session, "/review/overzicht")

    def _oldest(self) -> date | None:
        """The first day whose conversations are all still kept (OPSW_RETENTION_DAYS), if there is a retention."""
        return self.today() - timedelta(days=float(self.retention_days)) if self.retention_days else None

    @staticmethod
    def _overview_form(selection: overview.Selection, catalogue: Catalogue) -> str:
        radios = "".join(
            f'<label class="check" for="per-{value}"><input type="radio" id="per-{value}" name="per" value="{value}"'
            f"{' checked' if selection.per == value else ''}> per {value}</label>"
            for value in overview.PERIODS
        )
        filters = []
        for dim, fact, heading in overview.DIMENSIONS:
            choices = (
                [(rid, route.label) for rid, route in catalogue.routes.items()]
                if fact == "situation"
                else case_view.options(catalogue, fact)
            )
            choices.append((overview.NONE, "Niet bekend"))
            filters.append(f"<div>{select(dim, heading, choices, selection.filters.get(dim, ''), 'Alle')}</div>")
        csv_link = "/review/overzicht.csv?" + urlencode(selection.query())
        return f"""<form method="get" action="/review/overzicht" aria-label="Wat het overzicht telt">
<fieldset><legend>Periode</legend>
<fieldset class="keuze"><legend>Tellen per</legend>{radios}</fieldset>
<div class="kolommen">
<div><label for="van">Van</label><input type="date" id="van" name="van" value="{esc(selection.first.isoformat())}"></div>
<div><label for="tot">Tot en met</label><input type="date" id="tot" name="tot" value="{esc(selection.last.isoformat())}"></div>
</div>
<p class="hint">Hele weken (maandag tot en met zondag) of hele maanden.</p>
</fieldset>
<fieldset><legend>Alleen gesprekken met (niet verplicht)</legend><div class="kolommen">{"".join(filters)}</div></fieldset>
<button type="submit">Overzicht tonen</button>
<a class="knop licht" href="{esc(csv_link)}" download>Download als CSV (voor Excel)</a>
</form>"""

    def _overview_csv(self, request: Request, session: Session) -> HTTPResponse:
        if self.store() is None:
            return self._no_store(session, "Overzicht regio: waar loopt het vast?", "/review/overzicht")
        counted = self._counted(request)
        s = counted.selection
        name = f"overzicht-per-{s.per}-{s.first.isoformat()}-tot-{s.last.isoformat()}.csv"
        return download(overview.to_csv(counted), name, "text/csv; charset=utf-8")


def _staff_headers(request: Request, response: BaseHTTPResponse) -> None:
    """The security headers of the staff pages, on every answer under /workbench and /review."""
    if is_staff_path(request.path):
        response.headers.update(SECURITY_HEADERS)


async def _stylesheet(request: Request) -> HTTPResponse:
    return HTTPResponse((STATIC / "workbench.css").read_bytes(), content_type="text/css; charset=utf-8")


def create_app(workbench: Workbench, name: str | None = None) -> Sanic:
    """A Sanic app with only the staff pages (scripts/serve_web.py adds them to the web server's own app)."""
    app = Sanic(name or f"opsw_workbench_{next(_names)}", configure_logging=False)
    workbench.install(app)
    return app


# ------------------------------------------------------------------------------------------------
# one case: the reasoning as HTML
# ------------------------------------------------------------------------------------------------
def _refs_html(items: list[tuple[str, str | None]]) -> str:
    if not items:
        return "<p>Geen bronnen.</p>"
    lis = "".join(f"<li>{esc(text)}{_link(href)}</li>" for text, href in items)
    return f"<ul>{lis}</ul>"


def _link(href: str | None) -> str:
    return f' – <a href="{esc(href)}">{esc(href)}</a>' if href else ""


def _md(text: str) -> str:
    """The assistant's text (simple markdown: **bold**, _italic_) as safe HTML."""
    out = esc(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?:(?<=\s)|^)_([^_\s][^_]*?)_(?=\s|$|[.,;:!?])", r"<em>\1</em>", out, flags=re.M)
    out = re.sub(r"\[([^\]]+)\]\(((?:https?://|tel:|mailto:)[^)\s\"]+)\)", r'<a href="\2">\1</a>', out)
    return out


UNITS = {"days": "dagen", "workdays": "werkdagen", "weeks": "weken", "months": "maanden"}


def deadline_text(deadline: Deadline) -> str:
    """A deadline as a plain line of its fields: label, length and, when known, the last day."""
    line = f"{deadline.label}: {deadline.value:g} {UNITS.get(deadline.unit, deadline.unit)}"
    if deadline.due:
        line += f", tot en met {deadline.due.strftime('%d-%m-%Y')}"
    return line + "."


def render_case(view: case_view.CaseView, catalogue: Catalogue) -> str:
    advice = view.advice
    parts = ['<section aria-labelledby="kop-redenering" class="rapport"><h2 id="kop-redenering">De redenering</h2>']
    if view.danger is not None:
        kind = case_view.DANGER_LABELS.get(view.danger.kind, "gevaar")
        evidence = view.danger.evidence
        parts.append(
            f'<div class="fout"><h3>Gevaarsignaal in de tekst</h3><p>De assistent ziet {esc(kind)}'
            f"{(' (woorden: ' + esc(evidence) + ')') if evidence else ''}. Hij stuurt dan eerst het "
            "crisisbericht, in een apart bericht, en gaat daarna verder met het gesprek.</p></div>"
        )
    facts = case_view.used_facts(view.facts)
    rows = []
    for name, value in facts:
        source = "gekozen" if name in view.chosen else "uit de tekst" if name in view.read else "—"
        rows.append(
            f'<tr><th scope="row">{esc(case_view.FACT_LABELS.get(name, name))}</th>'
            f"<td>{esc(case_view.value_label(catalogue, name, value))}</td><td>{source}</td></tr>"
        )
    parts.append("<h3>Feiten die de assistent gebruikt</h3>")
    parts.append(
        "<p>Nog geen feiten bekend.</p>"
        if not rows
        else '<div class="tabel"><table><caption>Feiten</caption><thead><tr><th scope="col">Feit</th>'
        '<th scope="col">Waarde</th><th scope="col">Herkomst</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></div>"
    )
    if advice.safety:
        parts.append(
            f'<div class="fout"><h3>Eerst veiligheid</h3><p>{esc(advice.safety.body.label)}: '
            f"{esc(advice.safety.reason)}</p></div>"
        )
    if view.route_label:
        parts.append(f"<h3>Route</h3><p>{esc(view.route_label)}</p>")
    if advice.question:
        q = advice.question
        about = f" (over: {esc(case_view.body_label(catalogue, q.about_step))})" if q.about_step else ""
        options = ", ".join(esc(o.title) for o in q.options)
        parts.append(
            f'<div class="melding"><h3>De assistent vraagt eerst</h3><p>{esc(q.text)}{about}</p>'
            f"{f'<p>Keuzes: {options}</p>' if options else ''}"
            f"<p>Waarom: {esc(q.explain)}</p><p>Vul het antwoord aan in de tekst of kies het hierboven.</p></div>"
        )
    if view.rungs:
        rung_rows = "".join(
            f'<tr><td>{i}</td><td>{esc(r.label)}</td><td class="status-{r.status}">'
            f"{esc(case_view.STATUS_LABELS.get(r.status, r.status))}</td><td>{esc(r.why)}</td></tr>"
            for i, r in enumerate(view.rungs, start=1)
        )
        parts.append(
            '<h3>Treden van de route</h3><div class="tabel"><table><caption>Welke treden de assistent bekeek'
            '</caption><thead><tr><th scope="col">Nr.</th><th scope="col">Trede</th><th scope="col">Uitkomst</th>'
            f'<th scope="col">Waarom</th></tr></thead><tbody>{rung_rows}</tbody></table></div>'
        )
    if advice.step:
        step = advice.step
        status = " (loopt al: de assistent wacht op de uitkomst)" if step.status == "loopt" else ""
        via = (
            "<p>Alleen via een professional (bijvoorbeeld de cliëntondersteuner).</p>" if step.via_professional else ""
        )
        pre = "".join(f"<li>{esc(c.get('text', ''))}</li>" for c in step.body.preconditions if c.get("text"))
        deadlines = ""
        if step.deadlines:
            deadlines = (
                "<h4>Termijnen</h4><ul>"
                + "".join(f"<li>{_md(deadline_text(d))}</li>" for d in step.deadlines)
                + "</ul>"
            )
        how = render.contact_sentence(step.body)
        contact = f"<h4>Contact</h4><p>{_md(how)}</p>" if how else ""
        parts.append(
            f'<div class="stap"><h3>De stap: {esc(step.body.label)}{esc(status)}</h3><p>{esc(step.reason)}</p>{via}'
            f"{f'<h4>Voorwaarden</h4><ul>{pre}</ul>' if pre else ''}{deadlines}{contact}"
            f"<h4>Bronnen</h4>{_refs_html(case_view.step_references(catalogue, step))}</div>"
        )
    elif advice.exhausted:
        parts.append(
            '<div class="melding"><h3>Geen volgende trede</h3><p>Alle treden van deze route zijn geprobeerd '
            "of gelden niet.</p></div>"
        )
    if advice.after:
        lis = "".join(f"<li><strong>{esc(s.body.label)}</strong>: {esc(s.reason)}</li>" for s in advice.after)
        parts.append(f"<h3>Daarna, als dit niet helpt</h3><ul>{lis}</ul>")
    if advice.support:
        lis = "".join(
            f"<li><strong>{esc(s.body.label)}</strong>{(': ' + esc(s.reason)) if s.reason else ''}</li>"
            for s in advice.support
        )
        parts.append(f"<h3>Hulp daarbij</h3><ul>{lis}</ul>")
    if advice.pending:
        lis = "".join(f"<li>{esc(s.body.label)}</li>" for s in advice.pending)
        parts.append(f"<h3>Loopt nog</h3><ul>{lis}</ul>")
    if advice.references:
        parts.append(
            f"<h3>Alle bronnen van dit advies</h3>{_refs_html(case_view.reference_items(catalogue, advice.references))}"
        )
    if view.user_text:
        said = "".join(f'<div class="gebruiker">{_md(t)}</div>' for t in view.user_text)
        parts.append(f"<h3>Wat de gebruiker te zien krijgt</h3>{said}")
    parts.append("</section>")
    return "".join(parts)


EXAMPLES: list[dict[str, Any]] = [
    {
        "naam": "Bezwaar tegen CIZ-besluit",
        "bericht": "Het CIZ heeft mijn indicatie afgewezen en ik ben het er niet mee eens",
        "antwoorden": {"rol": "ik ben de cliënt", "datum": "weet ik niet", "al geprobeerd": "nee"},
        "verwacht": "bezwaar_ciz",
        "opmerking": "voorbeeld: eerste stap is bezwaar (S1)",
    },
    {
        "naam": "Geen plek gevonden",
        "bericht": "We vinden al maanden geen verpleeghuis voor mijn vader",
        "antwoorden": {"wet": "wlz", "rol": "naaste", "al geprobeerd": "nee"},
        "verwacht": "clientondersteuner_wlz",
        "opmerking": "voorbeeld: eerst de onafhankelijke cliëntondersteuner (S2)",
    },
]
