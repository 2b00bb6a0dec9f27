"""Worker: parse many texts with a trained Rasa (NLU) model, in its own process.

    python scripts/measure/rasa_parse.py MODEL.tar.gz IN.json OUT.json

IN.json is a list of texts; OUT.json a list of ``{"intent", "confidence", "ranking", "entities"}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


async def _run(model: str, texts: list) -> tuple[list, float]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    out = []
    t0 = time.perf_counter()
    for text in texts:
        r = await agent.parse_message(text)
        intent = r.get("intent") or {}
        out.append(
            {
                "intent": intent.get("name"),
                "confidence": float(intent.get("confidence") or 0.0),
                "ranking": [[x.get("name"), float(x.get("confidence") or 0.0)] for x in r.get("intent_ranking") or []][
                    :5
                ],
                "entities": [
                    {
                        "start": e["start"],
                        "end": e["end"],
                        "entity": e["entity"],
                        "value": e.get("value"),
                        "extractor": e.get("extractor"),
                    }
                    for e in r.get("entities") or []
                    if "start" in e and "end" in e
                ],
            }
        )
    return out, time.perf_counter() - t0


def main(argv: list) -> int:
    logging.basicConfig(level=logging.WARNING)
    model, src, dst = argv
    texts = json.load(open(src, encoding="utf-8"))
    out, seconds = asyncio.run(_run(model, texts))
    json.dump({"results": out, "parse_seconds": seconds}, open(dst, "w", encoding="utf-8"), ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
