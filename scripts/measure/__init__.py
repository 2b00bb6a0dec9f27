"""Measurement helpers for `make eval` (scripts/eval_nlu.py) and `make bench` (scripts/bench.py).

Pure Python where possible: data loading and metrics need no Rasa import, so the smoke tests in
tests/measure/ run in seconds.
"""
