"""The staff pages: ``/workbench`` (run scenario files, explain one case) and ``/review`` (recent
conversations → scenarios). No JavaScript: plain HTML forms, so they work with a keyboard, on a tablet
and with a screen reader. The pages are independent of the HTTP server: ``Workbench.handle(Request)``
returns a ``Response`` (scripts/serve_web.py passes requests on; the tests call it directly).
"""

from __future__ import annotations

import html
import inspect
import os
import re
import tempfile
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from workbench import case as case_view
from workbench import review
from workbench.auth import Auth, Session

MAX_BODY = 5 * 1024 * 1024
MAX_CASES = 200
STATIC = Path(__file__).resolve().parent / "templates"
SAFE_NEXT = ("/workbench", "/review")
CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


# ------------------------------------------------------------------------------------------------
# requests and responses
# ------------------------------------------------------------------------------------------------
class Headers(dict):
    """Case-insensitive header lookup."""

    def __init__(self, raw: Mapping[str, str] | None = None) -> None:
        super().__init__({k.lower(): v for k, v in (raw or {}).items()})

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)


@dataclass
class Request:
    method: str
    target: str  # path with query string
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def __post_init__(self) -> None:
        self.headers = Headers(dict(self.headers))
        parts = urlsplit(self.target)
        self.path = parts.path.rstrip("/") or "/"
        self.query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self._form: dict[str, str] | None = None
        self._files: dict[str, tuple[str, bytes]] = {}

    @property
    def form(self) -> dict[str, str]:
        if self._form is None:
            self._form = {}
            kind = self.headers.get("Content-Type") or ""
            if kind.startswith("multipart/form-data"):
                message = BytesParser(policy=HTTP).parsebytes(
                    b"Content-Type: " + kind.encode("latin-1") + b"\r\n\r\n" + self.body
                )
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    if not name:
                        continue
                    data = part.get_payload(decode=True) or b""
                    filename = part.get_filename()
                    if filename is not None:
                        if data:
                            self._files[name] = (filename, data)
                    else:
                        self._form[name] = data.decode("utf-8", errors="replace")
            else:
                parsed = parse_qs(self.body.decode("utf-8", errors="replace"), keep_blank_values=True)
                self._form = {k: v[0] for k, v in parsed.items()}
        return self._form

    @property
    def files(self) -> dict[str, tuple[str, bytes]]:
        self.form  # noqa: B018 - parses the body
        return self._files


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    def all_headers(self) -> list[tuple[str, str]]:
        base = [
            ("Content-Type", self.content_type),
            ("Content-Length", str(len(self.body))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Content-Security-Policy", CSP),
        ]
        return base + self.headers


def redirect(location: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(303, b"", "text/plain; charset=utf-8", [("Location", location), *(headers or [])])


def download(text: str, filename: str, kind: str) -> Response:
    return Response(200, text.encode("utf-8"), kind, [("Content-Disposition", f'attachment; filename="{filename}"')])


# ------------------------------------------------------------------------------------------------
# layout
# ------------------------------------------------------------------------------------------------
def layout(title: str, body: str, session: Session | None = None, current: str = "", status: int = 200) -> Response:
    nav = ""
    if session is not None:
        items = []
        for href, label in (("/workbench", "Werkbank"), ("/review", "Gesprekken")):
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
    return Response(status, page.encode("utf-8"))


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
# the scenario package (opschaling/scenarios), used through a small adapter
# ------------------------------------------------------------------------------------------------
class ScenarioRunner:
    """Load, run and report scenario files with opschaling.scenarios, whatever its load signature."""

    def __init__(self, rasa_url: str) -> None:
        self.rasa_url = rasa_url

    @staticmethod
    def _module() -> Any:
        import opschaling.scenarios as scenarios

        return scenarios

    def load(self, data: bytes, filename: str) -> list[Any]:
        scenarios = self._module()
        load = scenarios.load
        params = list(inspect.signature(load).parameters)
        if params and params[0] in ("path_or_bytes", "source", "data"):
            return list(load(data, filename))
        # path-based loader: write the upload to a private temp folder under its own (safe) name
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename).name).strip("._") or "scenarios.yaml"
        with tempfile.TemporaryDirectory(prefix="osw-wb-") as folder:
            path = Path(folder) / safe
            path.write_bytes(data)
            try:
                return list(load([path]))
            except self.error_type() as exc:
                problems = [
                    p.replace(str(path), filename).replace(folder + os.sep, "")
                    for p in getattr(exc, "problems", None) or str(exc).splitlines()
                ]
                raise self.error_type()(problems) from None

    def error_type(self) -> type[Exception]:
        scenarios = self._module()
        error = getattr(scenarios, "ScenarioError", None)
        if error is None:
            from opschaling.scenarios.load import ScenarioError as error  # type: ignore[no-redef]
        return error

    def _part(self, name: str) -> Any:
        """``opschaling.scenarios.<name>``: an attribute of the package or its submodule."""
        import importlib

        value = getattr(self._module(), name, None)
        if value is None or not (callable(value) or inspect.ismodule(value)):
            value = importlib.import_module(f"opschaling.scenarios.{name}")
        return value

    def run(self, items: list[Any], local: bool) -> list[Any]:
        runner = self._part("run_local" if local else "run_rest")
        run = runner.run_all if inspect.ismodule(runner) else runner
        if local:
            return list(run(items))
        return list(run(items, self.rasa_url))

    def report(self, results: list[Any]) -> str:
        report = self._part("report")
        page = getattr(report, "html", None)
        if not callable(page) or inspect.ismodule(page):  # report.py imports the html module itself
            page = report.html_page
        return page(results)


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


def summary_counts(results: list[Any]) -> tuple[int, int]:
    passed = sum(1 for r in results if getattr(r, "passed", False))
    return passed, len(results) - passed


# ------------------------------------------------------------------------------------------------
# the app
# ------------------------------------------------------------------------------------------------
class Workbench:
    def __init__(
        self,
        token: str,
        rasa_url: str = "http://localhost:5005",
        tracker_db_url: str | None = None,
        secure_cookies: bool = False,
        today: Callable[[], date] = date.today,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.auth = Auth(token, secure=secure_cookies)
        self.rasa_url = rasa_url
        self.tracker_db_url = tracker_db_url
        self.runner = ScenarioRunner(rasa_url)
        self.today = today
        self.log = log or (lambda text: None)
        self._store: review.TrackerStore | None = None

    @staticmethod
    def handles(path: str) -> bool:
        path = urlsplit(path).path
        return any(path == p or path.startswith(p + "/") for p in SAFE_NEXT)

    # -- dispatch -------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        try:
            return self._dispatch(request)
        except Exception:  # noqa: BLE001 - never a stack trace to the browser
            self.log("werkbank: fout bij " + request.path + "\n" + traceback.format_exc())
            session = self.auth.session(request.headers)
            return layout(
                "Er ging iets mis",
                '<div class="fout" role="alert"><p>Er ging iets mis op de server. '
                "Probeer het opnieuw. Blijft het misgaan? Meld het aan de beheerder.</p></div>",
                session,
                status=500,
            )

    def _dispatch(self, request: Request) -> Response:
        path, method = request.path, request.method.upper()
        if path == "/workbench/static/workbench.css" and method == "GET":
            return Response(200, (STATIC / "workbench.css").read_bytes(), "text/css; charset=utf-8")
        if method == "POST":
            if len(request.body) > MAX_BODY:
                return self._plain(413, "Het bestand is te groot (hooguit 5 MB).")
            if not self._same_origin(request):
                return self._plain(403, "Verzoek geweigerd: het formulier komt niet van deze site.")
        if path == "/workbench/login" and method == "POST":
            return self._login(request)
        session = self.auth.session(request.headers)
        if session is None:
            if method == "GET" and path in SAFE_NEXT:
                return self._login_page(path)
            if method == "GET":
                return redirect("/workbench?" + urlencode({"next": path if path in SAFE_NEXT else "/workbench"}))
            return self._plain(403, "U bent niet (meer) ingelogd. Log opnieuw in.")
        if method == "POST" and not self.auth.csrf_ok(session, request.form.get("csrf")):
            return self._plain(403, "Verzoek geweigerd: het formulier is verlopen. Laad de pagina opnieuw.")
        routes: dict[tuple[str, str], Callable[[Request, Session], Response]] = {
            ("GET", "/workbench"): self._workbench,
            ("POST", "/workbench/logout"): self._logout,
            ("POST", "/workbench/run"): self._run,
            ("POST", "/workbench/case"): self._case,
            ("GET", "/workbench/voorbeeld.csv"): self._example_csv,
            ("GET", "/workbench/voorbeeld.yaml"): self._example_yaml,
            ("GET", "/review"): self._review,
            ("GET", "/review/gesprek"): self._conversation,
            ("GET", "/review/scenario.csv"): self._scenario_csv,
            ("GET", "/review/scenario.yaml"): self._scenario_yaml,
            ("GET", "/review/export.csv"): self._export,
        }
        handler = routes.get((method, path))
        if handler is None:
            return layout("Pagina niet gevonden", "<p>Deze pagina bestaat niet.</p>", session, status=404)
        return handler(request, session)

    @staticmethod
    def _plain(status: int, text: str) -> Response:
        return layout(
            "Niet gelukt",
            f'<div class="fout" role="alert"><p>{esc(text)}</p></div><p><a href="/workbench">Naar de werkbank</a></p>',
            status=status,
        )

    @staticmethod
    def _same_origin(request: Request) -> bool:
        origin = request.headers.get("Origin")
        if not origin or origin == "null":
            return origin != "null"
        host = request.headers.get("Host") or ""
        return urlsplit(origin).netloc == host

    # -- login ----------------------------------------------------------------------------------
    def _login_page(self, next_path: str, failed: bool = False, locked: bool = False) -> Response:
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
        response.headers.append(("Set-Cookie", self.auth.login_cookie(nonce)))
        return response

    def _login(self, request: Request) -> Response:
        form = request.form
        next_path = form.get("next") if form.get("next") in SAFE_NEXT else "/workbench"
        if not self.auth.login_nonce_ok(request.headers, form.get("nonce")):
            return self._plain(403, "Verzoek geweigerd: het inlogformulier is verlopen. Laad de pagina opnieuw.")
        if self.auth.locked():
            self.log("werkbank: inloggen gepauzeerd (te vaak een verkeerde toegangscode)")
            return self._login_page(next_path, failed=True, locked=True)
        session = self.auth.login(form.get("token"))
        if session is None:
            self.log("werkbank: inloggen mislukt (verkeerde toegangscode)")
            return self._login_page(next_path, failed=True)
        return redirect(
            next_path,
            [("Set-Cookie", self.auth.session_cookie(session)), ("Set-Cookie", self.auth.clear_login_cookie())],
        )

    def _logout(self, request: Request, session: Session) -> Response:
        self.auth.logout(session)
        return redirect("/workbench", [("Set-Cookie", self.auth.clear_session_cookie())])

    # -- workbench ------------------------------------------------------------------------------
    def _workbench(
        self,
        request: Request,
        session: Session,
        result: str = "",
        form: Mapping[str, str] | None = None,
        status: int = 200,
    ) -> Response:
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

    def _run(self, request: Request, session: Session) -> Response:
        form = request.form
        upload = request.files.get("bestand")
        if upload:
            filename, data = upload
            filename = Path(filename.replace("\\", "/")).name or "bestand"
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
        except ImportError:
            box = errors_box("Niet beschikbaar", ["Het testen van scenario's is op deze server nog niet beschikbaar."])
            return self._workbench(request, session, box, form, 503)
        except Exception as exc:
            if not isinstance(exc, self.runner.error_type()):
                raise
            problems = list(getattr(exc, "problems", None) or str(exc).splitlines())
            box = errors_box(f"Het bestand {filename} heeft fouten; er is niets uitgevoerd", problems)
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
        report = embed_report(self.runner.report(results))
        result = (
            f'<section aria-labelledby="kop-uitslag" class="rapport"><h2 id="kop-uitslag">Uitslag van {esc(filename)}</h2>'
            f'<p class="melding" role="status" id="samenvatting">{passed} goed, {failed} fout, van {len(results)} '
            f'scenario\'s ({esc(how)}).</p><div class="tabel">{report}</div></section>'
        )
        return self._workbench(request, session, result, form)

    def _case(self, request: Request, session: Session) -> Response:
        form = request.form
        text = form.get("casus", "")[:4000]
        view = case_view.explain(text, form, today=self.today(), catalogue=self._catalogue())
        return self._workbench(request, session, render_case(view, self._catalogue()), form)

    def _example_csv(self, request: Request, session: Session) -> Response:
        return download(review.scenario_csv(EXAMPLES), "voorbeeld-scenarios.csv", "text/csv; charset=utf-8")

    def _example_yaml(self, request: Request, session: Session) -> Response:
        return download(review.scenario_yaml(EXAMPLES), "voorbeeld-scenarios.yaml", "application/yaml; charset=utf-8")

    @staticmethod
    def _catalogue() -> Any:
        from opschaling.catalogue import load_catalogue

        return load_catalogue()

    # -- review ---------------------------------------------------------------------------------
    def store(self) -> review.TrackerStore | None:
        if not self.tracker_db_url:
            return None
        if self._store is None:
            self._store = review.TrackerStore(self.tracker_db_url)
        return self._store

    def _no_store(self, session: Session) -> Response:
        return layout(
            "Gesprekken",
            '<div class="melding" role="status"><p>Er is geen gespreksopslag ingesteld '
            "(OPSW_TRACKER_DB_URL). Vraag de beheerder.</p></div>",
            session,
            "/review",
            503,
        )

    def _filtered(self, request: Request) -> tuple[list[review.Conversation], review.Filters]:
        filters = review.Filters.from_query(request.query)
        store = self.store()
        conversations = store.conversations() if store else []
        return [c for c in conversations if filters.accepts(c)], filters

    def _review(self, request: Request, session: Session) -> Response:
        if self.store() is None:
            return self._no_store(session)
        items, filters = self._filtered(request)
        number = int(request.query.get("pagina", "1")) if request.query.get("pagina", "1").isdigit() else 1
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
            route = catalogue.routes[c.situation].label if c.situation in catalogue.routes else (c.situation or "–")
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
        sender = request.query.get("id", "")
        return store.conversation(sender) if store and sender else None

    def _conversation(self, request: Request, session: Session) -> Response:
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
        route = catalogue.routes[c.situation].label if c.situation in catalogue.routes else (c.situation or "nog geen")
        back = "/review?" + urlencode(review.Filters.from_query(request.query).query())
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

    def _scenario_file(self, request: Request, session: Session, kind: str) -> Response:
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

    def _scenario_csv(self, request: Request, session: Session) -> Response:
        return self._scenario_file(request, session, "csv")

    def _scenario_yaml(self, request: Request, session: Session) -> Response:
        return self._scenario_file(request, session, "yaml")

    def _export(self, request: Request, session: Session) -> Response:
        if self.store() is None:
            return self._no_store(session)
        items, _filters = self._filtered(request)
        return download(review.list_csv(items), "gesprekken.csv", "text/csv; charset=utf-8")


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
    out = re.sub(r"\[([^\]]+)\]\((https?://[^)\s\"]+)\)", r'<a href="\2">\1</a>', out)
    return out


UNITS = {"days": "dagen", "workdays": "werkdagen", "weeks": "weken", "months": "maanden"}


def deadline_text(deadline: Any) -> str:
    """A deadline in the assistant's own words (opschaling.render), else a plain line of its fields."""
    try:
        from opschaling import render

        function = getattr(render, "deadline_line", None)
        if callable(function):
            text = function(deadline)
            if isinstance(text, str) and text:
                return text
    except Exception:  # noqa: BLE001 - fall back to the fields
        pass
    line = f"{deadline.label}: {deadline.value:g} {UNITS.get(deadline.unit, deadline.unit)}"
    if getattr(deadline, "due", None):
        line += f", tot en met {deadline.due.strftime('%d-%m-%Y')}"
    return line + "."


def render_case(view: case_view.CaseView, catalogue: Any) -> str:
    advice = view.advice
    parts = ['<section aria-labelledby="kop-redenering" class="rapport"><h2 id="kop-redenering">De redenering</h2>']
    if not view.read_by and view.text.strip():
        parts.append(
            '<p class="melding">De tekst kan hier nog niet automatisch gelezen worden; de assistent gebruikt '
            "alleen wat u in de keuzelijsten koos.</p>"
        )
    if view.danger is not None:
        kind = case_view.DANGER_LABELS.get(getattr(view.danger, "kind", ""), "gevaar")
        evidence = getattr(view.danger, "evidence", "")
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
        rows = "".join(
            f'<tr><td>{i}</td><td>{esc(r.label)}</td><td class="status-{r.status}">'
            f"{esc(case_view.STATUS_LABELS.get(r.status, r.status))}</td><td>{esc(r.why)}</td></tr>"
            for i, r in enumerate(view.rungs, start=1)
        )
        parts.append(
            '<h3>Treden van de route</h3><div class="tabel"><table><caption>Welke treden de assistent bekeek'
            '</caption><thead><tr><th scope="col">Nr.</th><th scope="col">Trede</th><th scope="col">Uitkomst</th>'
            f'<th scope="col">Waarom</th></tr></thead><tbody>{rows}</tbody></table></div>'
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
        try:
            from opschaling import render

            contact = (
                "<h4>Contact</h4><ul>"
                + "".join(f"<li>{esc(line)}</li>" for line in render.contact_lines(step.body))
                + "</ul>"
            )
        except Exception:  # noqa: BLE001 - a body without contact details
            contact = ""
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
