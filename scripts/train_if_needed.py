#!/usr/bin/env python
"""Train the Rasa model only when its inputs changed (run with the venv python).

The model name is a hash over everything that determines the trained model:
``config.yml``, ``domain.yml`` (or every file under ``domain/``), every file under ``data/``,
the Rasa version and the installed ``nl_core_news_sm`` version. The model is looked up in

1. ``models/<hash>.tar.gz`` (this clone),
2. ``$OPSW_CACHE/models/<hash>.tar.gz`` (shared by clones on this machine: CI reuses it),

and only trained (``rasa train --fixed-model-name <hash> --out models``) when neither exists.
Other ``models/*.tar.gz`` files are removed, so ``models/`` holds just the model in use.

Usage::

    .venv/bin/python scripts/train_if_needed.py            # prints the model path (last line)
    .venv/bin/python scripts/train_if_needed.py --hash     # only print the hash
    .venv/bin/python scripts/train_if_needed.py --root DIR # hash another checkout (tests)

Importable: ``model_hash(root)``, ``model_path(root)``, ``ensure_model(root)``.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HASH_LEN = 20


def cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "opschalingswijzer"
    return Path(os.environ.get("OPSW_CACHE", default))


def domain_path(root: Path) -> Path:
    return root / "domain" if (root / "domain").is_dir() else root / "domain.yml"


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")
        )
    return []


def _rasa_version() -> str:
    try:
        from importlib.metadata import version

        return version("rasa")
    except Exception:  # pragma: no cover - rasa missing: hash still works (tests)
        return "unknown"


def _spacy_model_version() -> str:
    try:
        from importlib.metadata import version

        return version("nl_core_news_sm")
    except Exception:
        return "none"


def input_files(root: Path) -> list[Path]:
    """All files whose content goes into the model hash (sorted, deterministic)."""
    # nlu_components/: the code of our own NLU components is part of what a trained model means
    return (
        _files(root / "config.yml")
        + _files(domain_path(root))
        + _files(root / "data")
        + [p for p in _files(root / "nlu_components") if p.suffix == ".py"]
    )


def model_hash(root: Path = ROOT, rasa_version: str | None = None) -> str:
    root = Path(root).resolve()
    h = hashlib.sha256()
    h.update(f"rasa={rasa_version or _rasa_version()}\n".encode())
    h.update(f"nl_core_news_sm={_spacy_model_version()}\n".encode())
    for f in input_files(root):
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()[:HASH_LEN]


def model_path(root: Path = ROOT) -> Path:
    return Path(root).resolve() / "models" / f"{model_hash(root)}.tar.gz"


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _prune(models: Path, keep: Path) -> None:
    for old in models.glob("*.tar.gz"):
        if old.resolve() != keep.resolve():
            old.unlink()


def _prune_cache(cache_models: Path, keep: int = 8) -> None:
    """Keep the `keep` most recently used models in the machine cache."""
    models = sorted(cache_models.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        old.unlink(missing_ok=True)


def _copy_atomic(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    shutil.copy2(src, tmp)
    os.replace(tmp, dst)


def ensure_model(root: Path = ROOT, force: bool = False) -> Path:
    root = Path(root).resolve()
    for needed in (root / "config.yml", domain_path(root), root / "data"):
        if not needed.exists():
            raise SystemExit(f"[opsw] cannot train: {needed} is missing")
    digest = model_hash(root)
    models = root / "models"
    target = models / f"{digest}.tar.gz"
    cached = cache_dir() / "models" / f"{digest}.tar.gz"

    if target.exists() and not force:
        print(f"[opsw] model up to date: {target.relative_to(root)}", file=sys.stderr)
    elif cached.exists() and not force:
        _copy_atomic(cached, target)
        cached.touch()  # most recently used: kept by _prune_cache
        print(f"[opsw] model taken from the cache: {cached}", file=sys.stderr)
    else:
        # one training at a time on this machine (2 cores; rasa's training cache is shared)
        with _lock(cache_dir() / "train.lock"):
            if cached.exists() and not force:
                _copy_atomic(cached, target)
                print(f"[opsw] model taken from the cache: {cached}", file=sys.stderr)
            else:
                print(f"[opsw] training model {digest} (inputs changed) ...", file=sys.stderr)
                start = time.time()
                rasa = Path(sys.executable).with_name("rasa")
                cmd = [
                    str(rasa) if rasa.exists() else "rasa",
                    "train",
                    "--config",
                    "config.yml",
                    "--domain",
                    str(domain_path(root).relative_to(root)),
                    "--data",
                    "data",
                    "--out",
                    "models",
                    "--fixed-model-name",
                    digest,
                ]
                env = dict(os.environ)
                env.setdefault("RASA_TELEMETRY_ENABLED", "false")
                env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
                env.setdefault("RASA_CACHE_DIRECTORY", str(cache_dir() / "rasa-train-cache"))
                res = subprocess.run(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL)
                if res.returncode != 0:
                    raise SystemExit(
                        f"[opsw] FOUT/ERROR: rasa train failed (exit {res.returncode}); "
                        "see the messages above (often: rasa data validate)"
                    )
                if not target.exists():
                    raise SystemExit(f"[opsw] rasa train finished but {target} is missing")
                _copy_atomic(target, cached)
                _prune_cache(cached.parent)
                print(
                    f"[opsw] trained in {time.time() - start:.0f}s; cached as {cached}",
                    file=sys.stderr,
                )
    _prune(models, target)
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="project checkout (default: this one)")
    ap.add_argument("--hash", action="store_true", help="only print the model hash")
    ap.add_argument("--path", action="store_true", help="only print the expected model path")
    ap.add_argument("--force", action="store_true", help="train even when a model exists")
    args = ap.parse_args(argv)
    if args.hash:
        print(model_hash(args.root))
        return 0
    if args.path:
        print(model_path(args.root))
        return 0
    path = ensure_model(args.root, force=args.force)
    print(f"[opsw] using model {path}", file=sys.stderr)
    ensure_learned_readers()
    print(path)
    return 0


def ensure_learned_readers() -> None:
    """The learned danger and situation models (opschaling/safety_model.py, situation_model.py), trained once per
    set of inputs and cached, so that no server trains them while a user waits."""
    sys.path.insert(0, str(ROOT))
    from opschaling import safety_model, situation_model  # noqa: PLC0415

    for name, reader in (("danger", safety_model), ("situation", situation_model)):
        started = time.time()
        path = reader.cache_path()
        fresh = not path.exists()
        reader.model()
        what = f"trained in {time.time() - started:.0f}s" if fresh else "cached"
        print(f"[opsw] {name} model {path.name}: {what}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
