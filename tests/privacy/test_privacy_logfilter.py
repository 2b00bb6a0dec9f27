"""channels.logfilter: user texts and identifiers are scrubbed from every log record."""

import logging

import pytest

from channels import logfilter


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    logfilter.install()
    handler = ListHandler()
    log = logging.getLogger("rasa.core.processor.test")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    yield log, handler.lines
    log.removeHandler(handler)


def test_registered_user_text_is_not_logged_in_full(log_lines):
    log, lines = log_lines
    text = '/inform{"instantie":"cak","notitie":"privé"}'
    logfilter.register_user_text(text)
    log.debug("Received user message '%s'", text)
    log.debug('{"event": "processor.message.parse", "text": %s}', __import__("json").dumps(text))
    assert lines[0] == f"Received user message '[gebruikerstekst: {len(text)} tekens]'"
    assert "notitie" not in lines[1] and "gebruikerstekst" in lines[1]


def test_identifiers_are_masked_in_messages_and_tracebacks(log_lines):
    log, lines = log_lines
    try:
        raise ValueError("kapot bij bsn 123456782 en 06-12345678")
    except ValueError:
        log.exception("fout voor jan@example.nl")
    out = "\n".join(lines)
    for ident in ("123456782", "06-12345678", "jan@example.nl"):
        assert ident not in out
    assert "[BSN]" in out and "[e-mail]" in out and "Traceback" in out


def test_short_texts_are_not_registered(log_lines):
    log, lines = log_lines
    logfilter.register_user_text("ja")
    log.info("ja, de server draait")
    assert lines == ["ja, de server draait"]


def test_the_factory_still_makes_records_after_uninstall():
    """A record factory installed after ours keeps ours as its previous one and may call it after ``uninstall()``.
    It called ``None`` then (typed as ``callable``, which mypy rejects): every log call raised TypeError."""
    was_installed = logfilter._previous_factory is not None
    logfilter.install()
    ours = logging.getLogRecordFactory()
    logfilter.uninstall()
    try:
        record = ours("rasa.test", logging.INFO, __file__, 1, "bel mij op %s", ("0612345678",), None)
    finally:
        if was_installed:
            logfilter.install()
    assert isinstance(record, logging.LogRecord)
    assert record.getMessage() == "bel mij op [telefoonnummer]"
