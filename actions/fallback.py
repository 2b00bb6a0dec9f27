"""Two-stage fallback, first stage: 'Bedoelt u…?' with readable buttons for the likeliest situations."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

# Readable Dutch names for intents (only these are offered as a guess).
INTENT_LABELS = {
    "besluit_oneens": "Ik ben het niet eens met een besluit",
    "beroep_instellen": "Ik wil in beroep bij de rechter",
    "klacht_zorgaanbieder": "Ik heb een klacht over een zorgaanbieder",
    "klacht_instantie": "Ik heb een klacht over gemeente, CIZ of zorgkantoor",
    "geen_plek": "We vinden geen passende plek",
    "zorg_past_niet": "De zorg past niet meer of stopt",
    "probleemgedrag": "Er is probleemgedrag",
    "multiproblematiek": "Er spelen veel problemen tegelijk, ook veiligheid",
    "jeugdzorg": "Het gaat om jeugdhulp",
    "kastje_muur": "Ik word van het kastje naar de muur gestuurd",
    "wie_verantwoordelijk": "Wie is verantwoordelijk?",
    "vraag_clientondersteuning": "Ik heb een vraag over cliëntondersteuning",
    "informatie_delen": "Mag ik informatie delen?",
    "vraag_termijn": "Ik heb een vraag over een termijn",
    "human_handoff": "Ik wil iemand spreken",
    "acute_nood": "Er is nu gevaar",
}
MAX_GUESSES = 3


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        guesses = [r["name"] for r in ranking if r.get("name") in INTENT_LABELS][:MAX_GUESSES]
        buttons = [{"title": INTENT_LABELS[name], "payload": f"/{name}"} for name in guesses]
        buttons.append({"title": "Iets anders", "payload": "/deny"})
        if guesses:
            text = "Ik weet niet zeker of ik u goed begrijp. Bedoelt u een van deze?"
        else:
            text = ("Ik begreep uw bericht niet. Beschrijf in een paar woorden waar u tegenaan loopt, bijvoorbeeld "
                    "'klacht over het verpleeghuis' of 'ik ben het niet eens met het CIZ'.")
        dispatcher.utter_message(text=text, buttons=buttons)
        return []
