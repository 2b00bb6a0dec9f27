"""scripts/make_credentials.py: channels on only when their variables are set."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "make_credentials.py"

spec = importlib.util.spec_from_file_location("make_credentials", SCRIPT)
make_credentials = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_credentials)

TELEGRAM_KEY = "channels.telegram.NumberedTelegramInput"
TWILIO_KEY = "channels.twilio.NumberedTwilioInput"

BASE = """\
rest:
socketio:
  user_message_evt: user_uttered
  bot_message_evt: bot_uttered
  session_persistence: true
callback:
  url: ${OPSW_CALLBACK_URL}
"""

SECRETS = {
    "TELEGRAM_ACCESS_TOKEN": "987654321:AAH-zeer-geheim-token-telegram-0123456789",
    "TELEGRAM_VERIFY": "OpschalingswijzerBot",
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.nl/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "geheim_webhook_token_42",
    "TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef",
    "TWILIO_AUTH_TOKEN": "twilio-auth-token-heel-geheim",
    "TWILIO_NUMBER": "whatsapp:+31612345678",
}
TELEGRAM = {k: v for k, v in SECRETS.items() if k.startswith("TELEGRAM")}
TWILIO = {k: v for k, v in SECRETS.items() if k.startswith("TWILIO")}


@pytest.fixture
def base_file(tmp_path):
    path = tmp_path / "credentials.yml"
    path.write_text(BASE, encoding="utf-8")
    return path


def run(base_file, tmp_path, env, capsys, *extra):
    out = tmp_path / "var" / "credentials.generated.yml"
    code = make_credentials.main(["--base", str(base_file), "--out", str(out), *extra], env=env)
    printed = capsys.readouterr()
    return code, yaml.safe_load(out.read_text(encoding="utf-8")), printed.out + printed.err


def assert_no_secret(text):
    for name, value in SECRETS.items():
        if name in ("TELEGRAM_VERIFY", "TWILIO_NUMBER", "TELEGRAM_WEBHOOK_URL"):
            continue  # not secret, but they are not printed either
        assert value not in text, f"{name} leaked"


def test_no_variables_only_base_channels(base_file, tmp_path, capsys):
    code, creds, printed = run(base_file, tmp_path, {}, capsys)
    assert code == 0
    assert list(creds) == ["rest", "socketio", "callback"]
    assert creds["callback"]["url"] == "${OPSW_CALLBACK_URL}"  # base kept as is
    assert "Channels enabled: rest, socketio, callback" in printed
    assert "telegram: off" in printed and "twilio: off" in printed


def test_telegram_and_twilio_added_as_references_not_values(base_file, tmp_path, capsys):
    code, creds, printed = run(base_file, tmp_path, SECRETS, capsys)
    assert code == 0
    assert creds[TELEGRAM_KEY] == {
        "access_token": "${TELEGRAM_ACCESS_TOKEN}",
        "verify": "${TELEGRAM_VERIFY}",
        "webhook_url": "${TELEGRAM_WEBHOOK_URL}",
        "secret_token": "${TELEGRAM_SECRET_TOKEN}",
    }
    assert creds[TWILIO_KEY] == {
        "account_sid": "${TWILIO_ACCOUNT_SID}",
        "auth_token": "${TWILIO_AUTH_TOKEN}",
        "twilio_number": "${TWILIO_NUMBER}",
    }
    written = (tmp_path / "var" / "credentials.generated.yml").read_text()
    assert_no_secret(written)
    for value in SECRETS.values():
        assert value not in printed
    assert "telegram" in printed and "twilio (whatsapp)" in printed


def test_sms_number_is_reported_as_sms(base_file, tmp_path, capsys):
    env = dict(TWILIO, TWILIO_NUMBER="+3197010203040")
    _, creds, printed = run(base_file, tmp_path, env, capsys)
    assert TWILIO_KEY in creds and TELEGRAM_KEY not in creds
    assert "twilio (sms)" in printed


def test_half_configured_channel_is_off_and_strict_fails(base_file, tmp_path, capsys):
    env = {k: v for k, v in TELEGRAM.items() if k != "TELEGRAM_VERIFY"}
    code, creds, printed = run(base_file, tmp_path, env, capsys)
    assert code == 0 and TELEGRAM_KEY not in creds
    assert "missing TELEGRAM_VERIFY" in printed
    code, _, _ = run(base_file, tmp_path, env, capsys, "--strict")
    assert code == 2


def test_malformed_telegram_token_is_refused(base_file, tmp_path, capsys):
    env = dict(TELEGRAM, TELEGRAM_ACCESS_TOKEN="geen-token")
    _, creds, printed = run(base_file, tmp_path, env, capsys)
    assert TELEGRAM_KEY not in creds
    assert "geen-token" not in printed


def test_optional_settings(base_file, tmp_path, capsys):
    env = dict(
        SECRETS,
        TELEGRAM_SET_WEBHOOK="false",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9",
        TWILIO_WEBHOOK_URL="https://bot.example.nl/webhooks/twilio/webhook",
        TWILIO_VALIDATE_SIGNATURE="true",
        TWILIO_API_BASE_URL="http://127.0.0.1:9",
        OPSW_NUMBER_SCOPE="conversation",
    )
    _, creds, _ = run(base_file, tmp_path, env, capsys)
    assert creds[TELEGRAM_KEY]["set_webhook_on_startup"] is False
    assert creds[TELEGRAM_KEY]["api_base_url"] == "${TELEGRAM_API_BASE_URL}"
    assert creds[TELEGRAM_KEY]["number_scope"] == "conversation"
    assert creds[TWILIO_KEY]["validate_signature"] is True
    assert creds[TWILIO_KEY]["webhook_url"] == "${TWILIO_WEBHOOK_URL}"


def test_builtin_sections_in_base_are_dropped(tmp_path, capsys):
    base = tmp_path / "credentials.yml"
    base.write_text("rest:\ntelegram:\n  access_token: ${TELEGRAM_ACCESS_TOKEN}\n")
    _, creds, printed = run(base, tmp_path, {}, capsys)
    assert list(creds) == ["rest"]
    assert "'telegram' in the base credentials is dropped" in printed


def test_missing_base_file_fails(tmp_path, capsys):
    code = make_credentials.main(["--base", str(tmp_path / "nope.yml"), "--out", str(tmp_path / "o.yml")], env={})
    assert code == 1


def test_rasa_loads_the_generated_file_with_the_custom_connectors(base_file, tmp_path):
    """Rasa expands the ${VAR} references and finds the connector classes."""
    out = tmp_path / "generated.yml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    env.update(SECRETS, OPSW_CALLBACK_URL="http://127.0.0.1:5034/bot", PYTHONPATH=str(ROOT))
    subprocess.run(
        [sys.executable, str(SCRIPT), "--base", str(base_file), "--out", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )
    check = (
        "import sys\n"
        "from rasa.core.run import create_http_input_channels\n"
        "chans = create_http_input_channels(None, sys.argv[1])\n"
        "by = {{c.name(): c for c in chans}}\n"
        "print(sorted(by))\n"
        "t, w = by['telegram'], by['twilio']\n"
        "assert type(t).__module__ == 'channels.telegram', type(t)\n"
        "assert type(w).__module__ == 'channels.twilio', type(w)\n"
        "assert t.access_token == '{}' and t.secret_token == '{}'\n"
        "assert w.auth_token == '{}' and w.twilio_number == 'whatsapp:+31612345678'\n".format(
            SECRETS["TELEGRAM_ACCESS_TOKEN"], SECRETS["TELEGRAM_SECRET_TOKEN"], SECRETS["TWILIO_AUTH_TOKEN"]
        )
    )
    result = subprocess.run(
        [sys.executable, "-c", check, str(out)],
        env=dict(env, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3"),
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "['callback', 'rest', 'socketio', 'telegram', 'twilio']" in result.stdout
