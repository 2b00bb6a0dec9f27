"""Messaging channels for Opschalingswijzer.

* ``channels.telegram.NumberedTelegramInput``: Telegram, reply keyboard plus numbered options.
* ``channels.twilio.NumberedTwilioInput``: Twilio SMS / WhatsApp, numbered options.
* ``channels.numbered_options`` and ``channels.text_format``: pure logic, no Rasa import.

Switch them on with ``scripts/make_credentials.py`` (see docs/channels.md).
"""
