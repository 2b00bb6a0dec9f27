"""The set-up scripts themselves: syntax, the CI entry point, the model hash of
scripts/train_if_needed.py (no training here) and the web server. (scripts/eval_nlu.py is tested
by its owner in tests/measure.)"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import train_if_needed

from tests.infra.infra_helpers import ROOT, free_port, wait_port


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "scripts").glob("*.sh")))
def test_shell_scripts_parse(script: str) -> None:
    subprocess.run(["bash", "-n", str(ROOT / "scripts" / script)], check=True)


def test_ci_runs_exactly_make_test() -> None:
    lines = [
        ln.strip()
        for ln in (ROOT / ".ci" / "run").read_text().splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
    assert lines[-1] == "make test"
    assert all(ln.startswith(("set ", "cd ")) for ln in lines[:-1]), lines


def test_make_targets_exist() -> None:
    for target in ("run", "test", "eval", "bench", "train", "bootstrap", "retention"):
        subprocess.run(["make", "-n", "-C", str(ROOT), target], check=True, capture_output=True)


def _project(tmp: Path, domain_dir: bool = False) -> Path:
    (tmp / "data" / "nlu").mkdir(parents=True)
    (tmp / "config.yml").write_text("language: nl\npipeline: []\npolicies: []\n")
    if domain_dir:
        (tmp / "domain").mkdir()
        (tmp / "domain" / "intents.yml").write_text("version: '3.1'\nintents: [greet]\n")
    else:
        (tmp / "domain.yml").write_text("version: '3.1'\nintents: [greet]\n")
    (tmp / "data" / "nlu" / "greet.yml").write_text(
        "version: '3.1'\nnlu:\n- intent: greet\n  examples: |\n    - hallo\n"
    )
    (tmp / "data" / "rules.yml").write_text("version: '3.1'\nrules: []\n")
    return tmp


def test_model_hash_changes_with_data(tmp_path: Path) -> None:
    root = _project(tmp_path)
    h1 = train_if_needed.model_hash(root)
    assert h1 == train_if_needed.model_hash(root), "hash must be deterministic"
    assert len(h1) == train_if_needed.HASH_LEN
    f = root / "data" / "nlu" / "greet.yml"
    f.write_text(f.read_text() + "    - goedemorgen\n")
    h2 = train_if_needed.model_hash(root)
    assert h2 != h1
    # a new file, a renamed file, config, domain and the Rasa version all count
    (root / "data" / "extra.yml").write_text("version: '3.1'\n")
    h3 = train_if_needed.model_hash(root)
    assert h3 != h2
    (root / "data" / "extra.yml").rename(root / "data" / "extra2.yml")
    h4 = train_if_needed.model_hash(root)
    assert h4 != h3
    (root / "config.yml").write_text("language: nl\npipeline: []\npolicies: [{name: RulePolicy}]\n")
    h5 = train_if_needed.model_hash(root)
    assert h5 != h4
    (root / "domain.yml").write_text("version: '3.1'\nintents: [greet, goodbye]\n")
    h6 = train_if_needed.model_hash(root)
    assert h6 != h5
    assert train_if_needed.model_hash(root, rasa_version="0.0.0") != h6
    # unrelated files do not count
    (root / "README.md").write_text("x")
    (root / "data" / "__pycache__").mkdir()
    (root / "data" / "__pycache__" / "x.pyc").write_text("x")
    assert train_if_needed.model_hash(root) == h6


def test_model_hash_domain_directory(tmp_path: Path) -> None:
    root = _project(tmp_path, domain_dir=True)
    h1 = train_if_needed.model_hash(root)
    (root / "domain" / "responses.yml").write_text("version: '3.1'\nresponses: {}\n")
    assert train_if_needed.model_hash(root) != h1
    assert train_if_needed.model_path(root) == root / "models" / f"{train_if_needed.model_hash(root)}.tar.gz"


def test_model_is_copied_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "proj")
    cache = tmp_path / "cache"
    monkeypatch.setenv("OPSW_CACHE", str(cache))
    digest = train_if_needed.model_hash(root)
    (cache / "models").mkdir(parents=True)
    (cache / "models" / f"{digest}.tar.gz").write_bytes(b"fake model")
    (root / "models").mkdir()
    (root / "models" / "old.tar.gz").write_bytes(b"old")
    path = train_if_needed.ensure_model(root)  # must not train: the cache has it
    assert path.read_bytes() == b"fake model"
    assert sorted(p.name for p in (root / "models").iterdir()) == [f"{digest}.tar.gz"]


def test_serve_web_rewrites_data_server(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<script src="opschalingswijzer-widget.js" data-server="http://localhost:5005" defer></script>'
    )
    (tmp_path / "opschalingswijzer-widget.js").write_text("console.log(1)")
    (tmp_path / "package.json").write_text("{}")
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "scripts" / "serve_web.py"),
            "--dir",
            str(tmp_path),
            "--port",
            str(port),
            "--rasa-url",
            "http://localhost:7005",
        ],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_port(port)
        html = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
        assert 'data-server="http://localhost:7005"' in html
        js = urllib.request.urlopen(f"http://127.0.0.1:{port}/opschalingswijzer-widget.js", timeout=5).read()
        assert js == b"console.log(1)"
        with pytest.raises(urllib.error.HTTPError) as refused:  # the build's files are not the site's
            urllib.request.urlopen(f"http://127.0.0.1:{port}/package.json", timeout=5)
        assert refused.value.code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)
