"""Messaging channels for Opschalingswijzer.

* ``channels.telegram.NumberedTelegramInput``: Telegram, reply keyboard plus numbered options.
* ``channels.twilio.NumberedTwilioInput``: Twilio SMS / WhatsApp, numbered options.
* ``channels.numbered_options`` and ``channels.text_format``: pure logic, no Rasa import.
* ``channels.text_channel``: their shared base; ``channels.sender_ids``: the conversation ids
  (a keyed hash, not the phone number or chat id).

Switch them on with ``scripts/make_credentials.py`` (see docs/channels.md).
"""
