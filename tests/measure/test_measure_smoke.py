"""Smoke tests of the measuring code on tiny inputs: metrics, folds, the TF-IDF evaluation end to end, and the
load generator against a fake REST server. Seconds, no Rasa model is trained or loaded."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

import eval_nlu  # noqa: E402
from measure import load, metrics  # noqa: E402
from measure.data import load_nlu_file, parse_markup  # noqa: E402


def test_intent_report_counts_fallback_as_error():
    gold = ["a", "a", "b", "b"]
    pred = ["a", "nlu_fallback", "b", "a"]
    r = metrics.intent_report(gold, pred)
    assert r["errors"] == 2 and r["n"] == 4
    assert r["fallback_share"] == 0.25
    assert r["per_intent"]["a"]["precision"] == 0.5 and r["per_intent"]["a"]["recall"] == 0.5
    assert r["per_intent"]["b"]["precision"] == 1.0 and r["per_intent"]["b"]["recall"] == 0.5
    assert r["macro_f1"] == pytest.approx((0.5 + 2 / 3) / 2)


def test_entity_report_exact_spans_and_values():
    gold = [[{"start": 0, "end": 3, "entity": "instantie", "value": "ciz"}]]
    same_span_other_value = [[{"start": 0, "end": 3, "entity": "instantie", "value": "cak"}]]
    assert metrics.entity_report(gold, same_span_other_value)["micro"]["f1"] == 1.0
    assert metrics.entity_report(gold, same_span_other_value, with_value=True)["micro"]["f1"] == 0.0
    assert metrics.entity_report(gold, [[]])["micro"]["recall"] == 0.0


def test_danger_report_and_error_ratio():
    d = metrics.danger_report([True, True, False, False], [True, False, True, False])
    assert d["recall"] == 0.5 and d["false_alarm_rate"] == 0.5 and d["missed"] == 1
    assert metrics.error_ratio({"errors": 3}, [{"errors": 10}, {"errors": 6}]) == 0.5


def test_markup_parsing_with_json_value():
    text, ents = parse_markup('naar de [rechter]{"entity": "instantie", "value": "rechtbank"} nu')
    assert text == "naar de rechter nu"
    assert ents[0]["value"] == "rechtbank" and text[ents[0]["start"] : ents[0]["end"]] == "rechter"


def test_stratified_folds_partition_every_example_once():
    exs = [{"intent": i} for i in ["a"] * 7 + ["b"] * 5 + ["c"] * 3]
    folds = eval_nlu.stratified_folds(exs, 3)
    flat = sorted(i for f in folds for i in f)
    assert flat == list(range(len(exs)))
    assert all(sum(1 for i in f if exs[i]["intent"] == "a") in (2, 3) for f in folds)


def test_rasa_init_default_pipeline_read_from_package():
    names = [c["name"] for c in eval_nlu.rasa_init_pipeline()]
    assert names[0] == "WhitespaceTokenizer" and "DIETClassifier" in names and names[-1] == "FallbackClassifier"


def test_threshold_sweep_moves_low_confidence_to_fallback():
    preds = [
        {"intent": "a", "confidence": 0.9, "ranking": [["a", 0.9]]},
        {"intent": "b", "confidence": 0.4, "ranking": [["b", 0.4]]},
    ]
    rows = eval_nlu.threshold_sweep(["a", "b"], preds, [0.0, 0.5])
    assert rows[0]["errors"] == 0 and rows[1]["errors"] == 1 and rows[1]["fallback_share"] == 0.5


TINY_TRAIN = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hallo
    - hoi daar
    - goedemorgen
    - hey hallo
    - goedendag
- intent: besluit_oneens
  examples: |
    - ik ben het niet eens met het besluit
    - bezwaar maken tegen de beschikking
    - de gemeente wees mijn aanvraag af
    - ik wil bezwaar tegen de afwijzing
    - het besluit klopt niet
"""
TINY_TEST = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hallo hallo
    - goedemiddag
- intent: besluit_oneens
  examples:
  - text: ik wil bezwaar maken tegen dat besluit
    metadata:
      source: https://example.org/a
"""


def _tiny_tfidf_eval(tmp_path, out) -> int:
    """make eval with only the TF-IDF pipeline, on the tiny training and test sets above."""
    train = tmp_path / "nlu"
    train.mkdir()
    (train / "nlu.yml").write_text(TINY_TRAIN, encoding="utf-8")
    test = tmp_path / "test.yml"
    test.write_text(TINY_TEST, encoding="utf-8")
    assert load_nlu_file(test)[2]["source"] == "https://example.org/a"
    argv = ["--pipelines", "tfidf", "--cv", "0", "--train", str(train), "--sets", "heldout"]
    return eval_nlu.main([*argv, "--set", f"heldout={test}", "--out", str(out)])


def test_eval_tfidf_end_to_end(tmp_path):
    out = tmp_path / "out"
    rc = _tiny_tfidf_eval(tmp_path, out)
    assert rc == 0
    r = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    rep = r["pipelines"]["tfidf"]["sets"]["heldout"]
    assert rep["n"] == 3 and 0.0 <= rep["macro_f1"] <= 1.0
    assert set(rep["per_intent"]) == {"greet", "besluit_oneens"}
    assert "| (c) TF-IDF + LogReg | heldout |" in (out / "latest.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- load generator


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def fake_rest():
    """A fake Rasa REST channel: answers every message; 'boem' gets HTTP 500."""
    from aiohttp import web

    seen = []

    async def webhook(request):
        body = await request.json()
        seen.append(body)
        if body["message"] == "boem":
            return web.Response(status=500, text="error")
        return web.json_response([{"recipient_id": body["sender"], "text": "ok", "opsw": {"kind": "question"}}])

    async def status(request):
        return web.json_response({"ok": True})

    port = _free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner_box = {}

    def serve():
        asyncio.set_event_loop(loop)
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", webhook)
        app.router.add_get("/status", status)
        runner = web.AppRunner(app)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        runner_box["r"] = runner
        ready.set()
        loop.run_forever()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    assert ready.wait(10)
    yield f"http://127.0.0.1:{port}", seen
    asyncio.run_coroutine_threadsafe(runner_box["r"].cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    t.join(10)


def test_load_level_counts_messages_and_errors(fake_rest):
    url, seen = fake_rest
    convs = [["hallo", "ik ben zijn moeder", "waarom?"], ["hoi", "boem", "waarom?"]]
    r = asyncio.run(load.run_level(url + "/webhooks/rest/webhook", 3, convs, 4, "t"))
    assert r["messages_ok"] == 10 and r["errors"] == 2 and r["error_kinds"] == ["HTTP 500"]
    assert r["p50_ms"] <= r["p95_ms"] <= r["p99_ms"] <= r["max_ms"]
    senders = {b["sender"] for b in seen}
    assert len(senders) == 4, "one sender id per conversation"
    # messages of one conversation arrive in order
    first = [b["message"] for b in seen if b["sender"] == "t-c3-0"]
    assert first == convs[0]


def test_bench_measures_a_running_server(fake_rest):
    import bench

    url, _ = fake_rest
    r = bench.measure_bot("fake", url, [["hallo", "waarom?"]], None, [1, 2], 2, "x")
    assert [lv["concurrency"] for lv in r["levels"]] == [1, 2]
    assert all(lv["errors"] == 0 for lv in r["levels"])
    assert r["long_message"]["answered"] and r["long_message"]["chars"] <= 4000


def test_long_message_is_at_most_4000_chars_and_dutch():
    import bench

    text = bench.long_message(4000)
    assert 3800 < len(text) <= 4000 and "gemeente" in text


def test_percentile_and_rss():
    assert load.percentile([1, 2, 3, 4], 0.5) == 2.5
    import os

    assert load.peak_rss_mb(os.getpid()) >= load.rss_mb(os.getpid()) > 0
    assert load.peak_rss_mb(None) is None


def test_scenario_summary_reads_results_with_advice_words(tmp_path):
    path = tmp_path / "latest.json"
    path.write_text(
        json.dumps({"results": [{"passed": True, "advice_words": [40, 60]}, {"passed": False, "advice_words": [80]}]}),
        encoding="utf-8",
    )
    s = eval_nlu.scenario_summary(path)
    assert s["total"] == 2 and s["passed"] == 1 and s["pass_rate"] == 0.5
    assert s["advice_messages"] == 3 and s["advice_words_mean"] == 60.0
    assert eval_nlu.scenario_summary(tmp_path / "missing.json") is None


def test_summary_from_a_tiny_eval(tmp_path):
    from measure import summary

    assert _tiny_tfidf_eval(tmp_path, tmp_path / "ev") == 0
    out = tmp_path / "latest.md"
    assert (
        summary.main(
            [
                *("--eval", str(tmp_path / "ev" / "latest.json"), "--bench", str(tmp_path / "none.json")),
                *("--scenarios", str(tmp_path / "none.json"), "--out", str(out)),
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "| (c) TF-IDF + LogReg | heldout |" in text and "No bench report yet." in text
    assert "sticky sessions" in text and "11717" in text


def test_profile_summary_groups_event_loop_samples(tmp_path) -> None:
    from measure import cpu_profile as profile

    raw = tmp_path / "profile.txt"
    loop = "_run_module_as_main (runpy.py:196);receive (channels/rest.py:40)"
    raw.write_text(
        f"{loop};save_tracker (rasa/core/processor.py:1) 30\n"
        f"{loop};_parse_message_with_graph (rasa/core/processor.py:2) 20\n"
        "_bootstrap (threading.py:973);_worker (concurrent/futures/thread.py:81) 500\n"
        "_run_module_as_main (runpy.py:196);select (selectors.py:1) 50\n",
        encoding="utf-8",
    )
    summary = profile.summarise(raw)
    assert summary["samples"] == 100  # the executor thread is not the event loop
    assert summary["shares"]["tracker store: save"] == 0.3
    assert summary["shares"]["NLU: parse"] == 0.2
    assert summary["shares"]["whole message (REST channel, all of the above)"] == 0.5
