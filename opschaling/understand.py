"""Read what people write: the facts a free-text message states, and the answer to the question asked.

Used on every message (not only on answers): what the user already said is never asked again.
Every pattern here is linear (no nested quantifiers, no ``.*`` between two patterns), and the dialogue bounds
the text it passes in, so a hostile message cannot make it slow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta

from opschaling import situation_model
from opschaling.dates import latest_day_said, parse_date
from opschaling.facts import UNKNOWN, age_group_for
from opschaling.folding import fold

DONT_KNOW = re.compile(
    r"\b(?:weet (?:ik )?(?:het |dat )?niet|weet niet|geen idee|geen flauw idee|onbekend|geen weet van|"
    r"ik weet het niet|heb geen idee|snap ik niet|begrijp ik niet|dunno|idk|geen benul)\b"
)


# --- organisation and law --------------------------------------------------------------------------
# Explicit names of who decided, in order of how sure a mention is.
_ORGANISATION = (
    ("cak", r"\bcak\b|eigen bijdrage|eigen-bijdrage"),
    ("ciz", r"\bciz\b|\bcis\b|centrum indicatiestelling"),
    ("zorgkantoor", r"zorg ?kantoor|zorgkatoor|zorgkantor"),
    (
        "zorgverzekeraar",
        r"verzekeraar|zorgverzekering|\bverzekering\b|basisverzekering|\bvgz\b|\bcz\b|menzis|zilveren kruis",
    ),
    (
        "gemeente",
        r"gemeente|wijkteam|sociaal team|wmo-?loket|wmo-?consulent|jeugdteam|buurtteam|\bwethouder\b|\bmunicipality\b|"
        r"\b(?:town|city|local) council\b",
    ),
    (
        "zorgaanbieder",
        r"zorgaanbieder|zorginstelling|\binstelling\b|verpleeghuis|verzorgingshuis|thuiszorg|"
        r"woonvorm|woongroep|zorgboerderij|dagbesteding|aanbieder|begeleiders?\b|verzorgenden?\b|"
        r"behandelgroep|leefgroep|groepsleid|jeugdzorginstelling|gezinshuis|pleegzorg|leiding van (?:de|mijn|mn|m'n) groep|"
        r"\bhome ?care\b|\bcare (?:provider|organi[sz]ation)\b",
    ),
)
# the names of the laws: a name outranks the other words of a law (law())
_LAW_NAMED = (
    ("wlz", r"\bwlz\b|wet langdurige zorg"),
    ("jeugdwet", r"\bjeugdwet\b"),
    ("wmo", r"\bwmo\b|wet maatschappelijke ondersteuning"),
    ("zvw", r"\bzvw\b|zorgverzekeringswet"),
)
# the other words that tell a law
_LAW_WORDS = (
    (
        "wlz",
        r"langdurige zorg|wlz-?indicatie|\bciz\b|zorgkantoor|zorgprofiel|"
        r"\bvpt\b|\bmpt\b|volledig pakket thuis|modulair pakket",
    ),
    (
        "jeugdwet",
        r"jeugdwet|jeugdhulp|jeugdzorg|jeugdteam|jeugd-?ggz|jeugdconsulent|behandelgroep|pleegzorg|pleeggezin|"
        r"gezinshuis|jeugdbescherming|\bvoogd\b|gecertificeerde instelling|\bakj\b",
    ),
    (
        "wmo",
        r"maatschappelijke ondersteuning|huishoudelijke (?:hulp|ondersteuning)|\bhbh\b|"
        r"beschermd wonen|scootmobiel|traplift|woningaanpassing|rolstoel|wmo-?indicatie|wmo-?voorziening|"
        r"mantelzorgondersteuning|respijtzorg|begeleiding van de gemeente|\bhome help\b|\bhousehold help\b|"
        r"\bcleaning help\b",
    ),
    (
        "zvw",
        r"zorgverzekeraar|basisverzekering|wijkverpleging|"  # a nurse's title is no law, the nursing at home is
        r"\bwond(?:zorg|verzorging)\b|\bsteunkousen\b|\b(?:verpleegster|verpleegkundige) van (?:de )?thuiszorg\b|"
        r"\binsuline (?:geven|spuiten|prikken|toedienen)\b|"
        r"\bggz\b|geriatrische revalidatie|medisch specialistisch|\b(?:basic |dutch )?health insurance\b|"
        r"\bhealth insurer\b|\bmental health (?:clinic|care)\b|\bdistrict nurs\w*",
    ),
    ("forensisch", r"forensisch|justitie|\btbs\b|reclassering|\bpij\b"),
)
_LAW = tuple((law, "|".join(p for p in (dict(_LAW_NAMED).get(law), words) if p)) for law, words in _LAW_WORDS)
# The law a decision body implies, when the user did not name the law.
LAW_OF_ORGANISATION = {"ciz": "wlz", "zorgkantoor": "wlz", "zorgverzekeraar": "zvw"}
# The decision body a law implies (besluit_oneens), when the user did not name it.
ORGANISATION_OF_LAW = {"wmo": "gemeente", "jeugdwet": "gemeente"}

# --- roles -------------------------------------------------------------------------------------------
_ROLE = (
    # a zorgbemiddelaar of a provider is the provider, not the zorgkantoor ("zorgbemiddelaar bij een VVT-organisatie")
    (
        "zorgaanbieder",
        r"\bzorgbemiddelaar (?:bij|van) (?:een |de |onze |ons )?(?!(?:het )?zorgkantoor)[\w/-]*\s?(?:aanbieder|organisatie|instelling)\b",
    ),
    (
        "clientondersteuner",
        r"\bik ben (?:een |de )?(?:onafhankelijke? )?clientondersteuner|\bals (?:onafhankelijke? )?"
        r"clientondersteuner|\bik werk als clientondersteuner|\bwij als clientondersteuners?|"
        r"clientondersteuner van (?:de|mijn) client|\bik ondersteun (?:een|de) client|\bik ben oco\b|"
        r"\bik werk bij (?:mee|zorgbelang)\b|"
        # a title that opens the message: "OCO Wlz. Dhr 45 ...", "Clientondersteuner hier."
        r"^(?:\w+[,!.]? )?(?:oco|(?:onafhankelijke? )?clientondersteuner)(?: wlz| wmo)?(?: hier\b|[.:,])",
    ),
    (
        "zorgkantoor_medewerker",
        r"\bik werk (?:bij|voor) (?:het |een )?zorgkantoor|\bmedewerker (?:van|bij) (?:het )?zorgkantoor|"
        r"\b(?:ik ben|als) zorgbemiddelaar(?! (?:bij|van) (?:een |de |onze |ons )?(?!(?:het )?zorgkantoor)[\w/-]*\s?"
        r"(?:aanbieder|organisatie|instelling))|\bvanuit het zorgkantoor|"
        r"\bwij als zorgkantoor|\bik ben zorgkantoormedewerker|^(?:\w+[,!.]? )?zorgkantoor hier\b|"
        r"(?<!een )(?<!de )(?<!die )\b(?:zorgadviseur|zorgconsulent|adviseur)(?: \w+){0,2} (?:bij|van) (?:het |een )?zorgkantoor\b|"
        # a title that opens the message: "Zorgadviseur zorgkantoor.", "zorgkantoor, team complexe zorg."
        r"^(?:\w+[,!.]? )?(?:(?:zorg)?adviseur|zorgconsulent|medewerker|team \w+)(?: \w+)? (?:bij |van )?(?:het )?zorgkantoor\b|"
        r"^(?:\w+[,!.]? )?zorgkantoor[,.:]? (?:team|afdeling)\b",
    ),
    (
        "gemeente_medewerker",
        r"\bik werk (?:bij|voor) (?:de |een )?gemeente|\bmedewerker (?:van|bij) de gemeente|"
        r"\bik ben (?:wmo-?)?consulent|\bals (?:wmo-?)?consulent|\bik ben beleidsmedewerker|"
        r"\bwij als gemeente|\bik zit in het (?:wijkteam|sociaal team|jeugdteam)|"
        r"\bik werk in (?:het|een) (?:sociaal )?(?:wijkteam|sociaal team|jeugdteam)|\bals wijkteammedewerker|"
        r"\bi work (?:in|for) (?:a|the) (?:neighbou?rhood|district|social) team\b|"
        r"\bi(?:'m| am) a (?:social worker|case worker) (?:in|for|at) (?:a|the) (?:neighbou?rhood|district|social) team\b|"
        r"\bik ben (?:jeugd)?consulent|\bik ben gemeenteambtenaar|\b(?:kan|mag|moet) ik als gemeente\b|"
        # a title that opens the message: "Wmo-consulent. Meneer (83) …", "Hallo, jeugdconsulent hier"
        r"^(?:\w+[,!.]? )?(?:wmo-?|jeugd-?)?consulent(?: hier\b| van de gemeente\b|[.:,])|^(?:\w+[,!.]? )?(?:vanuit (?:het )?)?(?:wijkteam|sociaal (?:wijk)?team|jeugdteam)[.:,]",
    ),
    (
        "zorgaanbieder",
        r"\bwij als (?:zorg)?aanbieder|\bwij als (?:zorg)?instelling|\bonze (?:zorg)?instelling|"
        r"\bonze (?:client|bewoner)|\bik ben (?:teamleider|locatiemanager|zorgmanager|manager zorg|"
        r"bestuurder|directeur) |\bik werk bij (?:de |een )?zorgaanbieder|\bnamens (?:de |onze )?"
        r"(?:zorg)?aanbieder|\bwij (?:kunnen|willen) de zorg niet meer|\bbij ons in (?:huis|de instelling)",
    ),
    (
        "zorgprofessional",
        r"\bik ben (?:zijn |haar |de |een )?(?:wijk)?verpleegkundige|\bals (?:wijk)?verpleegkundige|\bik ben huisarts|\bals huisarts|"
        r"\bik ben (?:zijn |haar |de |een )?(?:persoonlijk )?begeleider|\bik ben (?:zijn |haar |de |een )?"
        r"(?:ambulant )?hulpverlener|\bik ben (?:zijn |haar |de |een )?"
        r"(?:specialist ouderengeneeskunde|psycholoog|psychiater|maatschappelijk werker|"
        r"praktijkondersteuner|poh|casemanager|gedragsdeskundige|arts)|\bals (?:casemanager|"
        r"maatschappelijk werker|behandelaar|begeleider|hulpverlener|poh)|\bik werk in de "
        r"(?:wijkverpleging|zorg|thuiszorg|ggz|gehandicaptenzorg|ouderenzorg)|\bik ben zorgverlener|"
        r"^(?:\w+[,!.]? )?(?:wijkverpleegkundige|huisarts|poh(?: ouderen)?|casemanager dementie)(?: hier)?[.:,]|"
        # bemoeizorg and the GGD, Veilig Thuis, an ambulant begeleider; in English the words of the job
        r"\bik ben (?:\w+ )?(?:bemoeizorger|ambulant (?:begeleider|hulpverlener)|woonbegeleider|groepsbegeleider)\b|"
        r"\bik werk bij (?:de ggd|veilig thuis|het oggz|de oggz)\b|\b(?:oggz|bemoeizorg)-?team\b|"
        r"\bi(?:'m| am) (?:a |an |the |his |her |their )?(?:support worker|social worker|care worker|district nurse|"
        r"(?:community |home care )?nurse|case manager|gp|family doctor|care coordinator|behaviou?ral specialist)\b|"
        r"\bi work (?:as a |in a |at a |in )(?:nurse|support worker|group home|care home|home care|nursing home)\b",
    ),
    (
        "vertegenwoordiger",
        r"\bik ben (?:zijn |haar |de |een )?(?:mentor|curator|bewindvoerder|wettelijk vertegenwoordiger)|"
        r"\bals (?:mentor|curator|bewindvoerder|wettelijk vertegenwoordiger)|\bik ben voogd",
    ),
    (
        "naaste",
        r"\bmijn (?:moeder|vader|ma|pa|mam|pap|zoon|dochter|man|vrouw|partner|vriend|vriendin|broer|zus|"
        r"oma|opa|schoonmoeder|schoonvader|kind|kinderen|tante|oom|neef|nicht|buurvrouw|buurman|"
        r"zoontje|dochtertje|echtgenoot|echtgenote)\b|\bik ben (?:de |een |zijn |haar )?mantelzorger|\bals mantelzorger|\bik ben (?:de |zijn |haar |hun )?"
        r"(?:dochter|zoon|partner|moeder|vader|ouder|broer|zus)\b|\bwij als (?:ouders|familie)|"
        r"\bi(?:'m| am) (?:his|her|their|the) (?:daughter|son|wife|husband|partner|sister|brother|mother|father|carer)\b",
    ),
    (
        "jongere",
        r"\bik zit op (?:school|de middelbare)|\bmijn voogd\b",
    ),
    (
        "client",
        r"\bik ben (?:zelf )?(?:de )?client|\bvoor mezelf|\bvoor mijzelf|\bover mezelf|\bik zelf\b|"
        r"\bmijn (?:eigen )?(?:wlz-|wmo-)?indicatie\b|\bik krijg (?:zelf )?(?:zorg|thuiszorg|begeleiding)",
    ),
)
# Answers to "Wie bent u?" that are a single word or a short phrase.
_ROLE_ANSWER = (
    ("clientondersteuner", r"clientondersteun|\boco\b|\bmee\b|zorgbelang"),
    ("zorgkantoor_medewerker", r"zorgkantoor|zorgbemiddelaar"),
    ("gemeente_medewerker", r"gemeente|consulent|wijkteam|sociaal team|ambtenaar"),
    ("zorgaanbieder", r"zorgaanbieder|aanbieder|instelling|teamleider|locatiemanager|zorgmanager"),
    (
        "zorgprofessional",
        r"verpleegkundige|huisarts|\barts\b|begeleider|hulpverlener|professional|zorgverlener|"
        r"behandelaar|casemanager|maatschappelijk werk|psycholoog|wijkverpleging|poh\b|bemoeizorg|\bggd\b|oggz|"
        r"veilig thuis|\b(?:support|social|care) worker\b|\bnurse\b",
    ),
    ("vertegenwoordiger", r"mentor|curator|bewindvoerder|vertegenwoordiger|voogd"),
    (
        "naaste",
        r"moeder|vader|zoon|dochter|partner|\bman\b|\bvrouw\b|ouders?\b|broer|zus|familie|mantelzorg|"
        r"naaste|\bkind\b|oma|opa|echtgeno|vriend|buur|tante|\boom\b|neef|nicht|kleinzoon|kleindochter|"
        r"schoon\w+|\b(?:mother|father|mum|mom|dad|son|daughter|husband|wife|partner|parent|sister|brother|"
        r"grand(?:mother|father|ma|pa)|neighbou?r|carer|caregiver)\b",
    ),
    ("jongere", r"jongere|scholier|\bik ben (?:1[2-7])\b|tiener|puber|\bi(?: a|\')m 1[2-7]\b"),
    ("client", r"client|\bzelf\b|\bmezelf\b|\bmijzelf\b|^ik$|patient|bewoner|\bmyself\b|^me$|\bfor me\b"),
)

# --- age ------------------------------------------------------------------------------------------------
_AGE_WORDS = {
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "zestien": 16,
    "zeventien": 17,
    "achttien": 18,
    "negentien": 19,
    "twintig": 20,
}
_AGE = re.compile(
    r"\b(\d{1,3}|"
    + "|".join(_AGE_WORDS)
    + r")(?:-| )?(?:jaar|jarige?|jr)\b|\bvan (\d{1,2})\b(?![-/.:]\d)(?! (?:jan|feb|maart|mrt|apr"
    r"|mei|jun|jul|aug|sep|okt|nov|dec|[a-z]*uur|weken|dagen|maanden|procent|%))|\bik ben (\d{1,2})\b(?! (?:jan|feb|maart"
    r"|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec))|\bis (\d{1,2})\b(?= ?(?:jaar|,|\.|$| en | oud))"
)
_TURNS_18 = re.compile(
    r"\b(?:wordt|word|worden|werd) (?:bijna |binnenkort |straks |volgend jaar |over \w+ \w+ )?"
    r"(?:18|achttien)\b|\b18 (?:worden|wordt)\b|\b18-/18\+|\b18-18\+|\bbijna 18\b|\bbijna achttien\b"
)

# --- step outcomes --------------------------------------------------------------------------------------
# Three values: nee (not tried), loopt (running, no answer yet), niet_geholpen (tried, did not help).
# "gedaan" means: done, but the result is unknown: the dialogue asks which of the two it is.
_PENDING = re.compile(
    r"\bloopt (?:nog|al)\b|\bnog (?:niks|niets|geen (?:antwoord|reactie|uitspraak|besluit|beslissing|uitslag|bericht))"
    r"(?: (?:gehoord|ontvangen|gekregen))?|\bwacht(?:en|) (?:nog|op|al)\b|\bnog (?:in )?behandeling\b|\bin behandeling\b|"
    r"\bnog bezig\b|\bben(?:nen)? (?:er )?(?:nog )?mee bezig\b|\bafwachten\b|\bhoor(?:en)? (?:nog )?niks\b|"
    r"\bnog niet beslist\b|\bis ingediend\b|\bheb(?:ben)? (?:het |een |mijn |ons )?(?:bezwaar|beroep|klacht|aanvraag)"
    r"(?:schrift)? (?:ingediend|ingestuurd|verstuurd|gestuurd|gemaakt|ingesteld)\b|\bzijn ermee bezig\b|\bloopt\b|"
    r"\b(?:start|begint) (?:pas|over)\b"  # "aangevraagd, start pas over een paar weken": it runs
)
_FAILED = re.compile(
    r"\bhielp niet\b|\bhelpt niet\b|\bniet geholpen\b|\bheeft niet geholpen\b|\bniks geholpen\b|\bniets geholpen\b|"
    r"\bgeen (?:resultaat|oplossing|effect|zin)\b|\b(?:is |werd |was )?afgewezen\b|\bongegrond\b|\bniet gegrond\b|"
    r"\bniks opgeleverd\b|\bniets opgeleverd\b|\bwerkt(?:e)? niet\b|\bzonder (?:resultaat|succes)\b|"
    r"\bnul op (?:het )?rekest\b|\bnee gezegd\b|\bkunnen (?:ons|me|mij) niet helpen\b|\bkonden (?:ons|me|mij|niks|niets) "
    r"(?:niet )?(?:helpen|doen)\b|\bniet gelukt\b|\blukte niet\b|\bwas negatief\b|\bnegatief\b|\bgeen gelijk\b|"
    r"\bbleef hetzelfde\b|\blukt (?:het )?(?:nog )?(?:steeds )?niet\b|\bnog steeds (?:niks|niets|geen (?:plek|oplossing))\b|"
    r"\b(?:niets|niks) kunnen (?:doen|betekenen)\b|\b(?:hebben|heeft) niet geholpen\b|\bniks mee gedaan\b|\bniets mee gedaan\b|\bniet opgelost\b|\bafgewimpeld\b|\bverloren\b|"
    r"\bafgehandeld\b|\b(?:ontevreden|niet tevreden)\b|\bdat was het\b|\bstandaardbrief\b|\bexcuses\b|"
    r"\bsorry (?:gezegd|gezegt)\b|\bniks veranderd\b|\bniets veranderd\b|\bveranderde (?:er )?(?:niks|niets)\b|\bgewonnen\b[^.?!]{0,40}\bnog steeds\b|"
    r"\bleverde(?:n)? (?:niks|niets|weinig|geen \w+) op\b|\b(?:en|maar) verder (?:niks|niets)\b(?! (?:meer )?(?:gehoord|vernomen))|\b(?:niks|niets) (?:uit)?gekomen\b|\bkwam(?:en)? (?:niks|niets) uit\b|"
    r"\bvond(?:en)? (?:ook )?(?:niks|niets|geen \w+)\b|\b(?:niks|niets) gevonden\b|"
    r"\b(?:did not|didn't|did nt) help\b|\bnot satisfied\b|\brejected\b|\bnothing changed\b|\bgot nowhere\b|"
    r"\bsaid sorry\b|\bnot (?:our|their) fault\b|\bwent nowhere\b|\bnothing came of it\b|\bbrushed (?:us|me|it) off\b|"
    r"\bnot taking (?:this|it|us|me|our complaint) seriously\b|\b(?:it )?happened again\b|"
    r"\bniet serieus genomen\b|\bnemen (?:het|ons|mij|me) niet serieus\b|"
    # "zorgbemiddeling loopt, zij weten het ook niet": it runs, and it does not help
    r"\b(?:zij|ze|die|hij|men|they) (?:weten|weet) (?:het |er )?ook (?:niet|niks|geen raad)\b|\bstaat (?:al )?(?:een jaar|maanden|jaren) op de agenda\b"
)
_NOT_TRIED = re.compile(
    r"^(?:nee|neen|nope|no|not yet|nog niet|niet|nooit|nee hoor|helaas niet|niks|niets|nothing|none)\b|\bnog niet\b|\bniet gedaan\b|\bnooit\b|"
    r"\bnot yet\b|\bhaven'?t\b|\bdidn'?t know\b|"
    r"\bwist (?:ik )?niet dat (?:dat|het) kon\b|\bnog geen (?:klacht|bezwaar|beroep|contact)\b|\bdaar ben ik nog niet\b"
)
_NOTHING_DONE = re.compile(
    r"\b(?:nog )?(?:niks|niets|nothing) (?:mee |aan )?(?:gedaan|geprobeerd|ondernomen|ingediend|aangevraagd)\b|"
    r"^(?:nee|neen|nope|no)\b[\s,.!]*(?:hoor[\s,.!]*)?(?:nog )?(?:niks|niets|nothing)\s*[.!]*$|"  # "nee, nog niks"
    r"\bhaven'?t done anything\b"
)
# a procedure sent in a story, with words between ("in juni bezwaar gemaakt tegen het besluit"): it runs until there
# is a decision (read after the negations: "nog geen bezwaar gemaakt" is not tried)
_SENT = re.compile(
    r"\b(?:bezwaar|bezwaarschrift|beroep|klacht)\b(?:\s+[\w'-]+){0,6}?\s+(?:gemaakt|ingediend|ingestuurd|verstuurd|"
    r"gestuurd|ingesteld|aangetekend|opgestuurd)\b|\b(?:filed|sent|lodged|made) (?:an? |the |our |my )?"
    r"(?:objection|appeal|complaint)\b"
)
# the answer to "hebt u X al gedaan?" from someone who does not know X: not tried ("wat is dat?")
_UNKNOWN_STEP = re.compile(
    r"\bwat is (?:dat|dit|het|die)\b|\bweet (?:ik |ik echt )?niet wat (?:dat|dit|het) (?:is|betekent)\b|"
    r"\bnooit van gehoord\b|\bken ik niet\b|\bzegt me niks\b|\bwhat(?: is|'s) (?:that|this)\b|\bnever heard\b"
)
# just done: still running ("ja, vorige week ingediend")
_RECENT = re.compile(
    r"\b(?:vorige week|afgelopen week|deze week|gisteren|eergisteren|net pas|zojuist|vandaag|last week|this week|"
    r"yesterday|today)\b"
)
# what may follow a yes without saying how it went: when it was done ("ja, al 14 weken geleden")
_ONLY_WHEN = re.compile(
    r"^(?:\s|[,.!]|al|ook|wel|een|paar|keer|\d+|\d+x|x|geleden|weken|week|maanden|maand|jaar|jaren|dagen|dag|"
    r"anderhalf|half|halfjaar|twee|drie|vier|vijf|zes|in|op|rond|vorig|vorige|sinds|van|de|het|januari|februari|"
    r"maart|april|mei|juni|juli|augustus|september|oktober|november|december|voorjaar|najaar|zomer|winter|"
    r"ago|weeks|months|years|yes|done|hoor|zeker)*$"
)
# a yes long ago or more than once ("ja, twee keer", "ja, al anderhalf jaar"): it took place and the person still
# asks what next; only a legal step (a bezwaar, a beroep) may still run that long
_LONG_AGO = re.compile(r"\b(?:maanden|maand|jaar|jaren|anderhalf|halfjaar|keer|\d+x|months|years|twice)\b")
_LEGAL_STEP_ID = re.compile(r"^(?:bezwaar|beroep|hoger_beroep|ingebrekestelling|voorlopige_voorziening|kort_geding)")
YES_WORD = re.compile(r"^(?:ja hoor|ja zeker|jawel|jazeker|ja|yes|klopt|zeker|inderdaad|jep|jup|yep)\b[\s,.!]*")
_DONE = re.compile(
    r"^(?:ja|jawel|jazeker|yes|ja hoor|klopt|zeker|inderdaad)\b|\bal gedaan\b|\bal geprobeerd\b|"
    r"\bheb ik (?:al )?gedaan\b|\bal ingediend\b|\bal gemaakt\b|\bal contact\b|\bal gebeld\b|"
    r"\bal gemeld\b|\bal geweest\b|\bal betrokken\b|\bal ingeschakeld\b|\bis al\b|\bzijn al\b|"
    r"\b(?:is|zijn|was|waren) al (?:een |het |de )?(?:\w+ ){0,3}(?:betrokken|ingeschakeld|ingezet|geweest)\b"
)
# "I told the staff" is not a complaint at the klachtenfunctionaris.
_TOLD_STAFF = re.compile(
    r"\b(?:gezegd|verteld|gemeld|aangekaart|besproken|geklaagd)\b[^.?!]{0,40}\b(?:verzorging|"
    r"personeel|verpleging|begeleid\w*|teamleider|afdeling|zuster|verzorgende|de zorg)\b|"
    r"\b(?:verzorging|personeel|verpleging|begeleiding|teamleider|afdeling)\b[^.?!]{0,40}\b"
    r"(?:gezegd|verteld|gemeld|aangekaart|besproken)\b"
)

_YES = re.compile(
    r"^(?:ja|jawel|jazeker|yes|ja hoor|klopt|zeker|inderdaad|jep|jup|yep|ok(?:e|ay)?|graag|"
    r"dat klopt|wel)\b"
)
_NO = re.compile(r"^(?:nee|neen|nope|no|niet|geen|nee hoor|helaas niet|nooit|klopt niet)\b")
# a no in the middle of an answer: "we zijn op, maar het is niet zo dat het morgen misgaat" (to "Is er spoed?")
_NO_INSIDE = re.compile(
    r"\b(?:het is|is het) niet zo dat\b|\bgeen (?:spoed|haast)\b|\bniet (?:zo )?(?:acuut|dringend|levensgevaarlijk)\b"
)

# --- conversation moves -----------------------------------------------------------------------------------
ASKS_AFTER = re.compile(
    r"\b(?:en )?(?:als|wat als) (?:dat|dit|die|het|ze|hij) (?:ook )?(?:niet|geen) (?:helpt|werkt|lukt|"
    r"oplevert|reageert|reageren)|\ben (?:dan|daarna)\b|\bwat (?:daarna|dan|is de stap daarna|"
    r"is de volgende stap)\b|\bwat kan ik daarna\b|\bvolgende stap\b|\bstap daarna\b|"
    r"\bhelpt dat niet\b|\bwat als dat niet\b|"
    # "en wat als ze ook daarna nee zeggen?", "als het bezwaar wordt afgewezen?", "what if they say no?"
    r"\b(?:en )?(?:als|wat als|stel dat) (?:\w+ ){0,6}(?:nee zeg\w*|weiger\w*|afwij[sz]\w*|afgewezen|ongegrond|"
    r"(?:niks|niets) (?:doe\w*|oplever\w*|geregeld|gedaan|regel\w*)|nog (?:niks|niets) (?:geregeld|gedaan)|"
    r"geen (?:plek|oplossing|antwoord|reactie))\b|"
    r"\bwhat if (?:\w+ ){0,3}(?:say no|refuse|reject)\w*\b|\bwhat (?:comes )?(?:after|next)\b"
)
TRIED_ALREADY = re.compile(
    r"\b(?:heb|hebben) (?:ik|we|wij) (?:al )?(?:geprobeerd|gedaan|gehad)\b|\bal geprobeerd\b|"
    r"\bal gedaan\b|\bheeft niet geholpen\b|\bhielp niet\b|\bwerkte niet\b|\bniet geholpen\b|"
    r"\bal geweest\b|\bal gebeld\b|\bal contact\b|\bleverde niks op\b|\bleverde niets op\b"
)
CORRECTION = re.compile(
    r"^(?:nee|neen|sorry|oeps|pardon|correctie)\b|\bik bedoel\b|\bik bedoelde\b|\bklopt niet\b|"
    r"\bniet (?:(?:van|bij|via|door) )?(?:de|het|een)? ?\w+ maar\b|\bgeen \w+ maar\b|\bverkeerd\b|\bvergist\b|"
    # "bovenaan staat CIZ, niet zorgkantoor", "ik zie het nu pas", "ik heb de brief er nog eens bij gepakt"
    r"\w, niet (?:(?:van|bij|via|door) )?(?:(?:de|het|een) )?[\w-]{2,30}\s*(?:[.?!,;]|$)|\bnu pas\b|\bdoor elkaar\b|"
    r"\bbrief (?:er )?(?:nog )?(?:eens |even )?(?:bij )?(?:gepakt|gehaald|nagekeken|nog eens gelezen)\b|"
    r"\beigenlijk\b|\bhet was\b|\bhet is\b|\bhet gaat om\b|\bhet gaat over\b|\bin plaats van\b"
)
WHAT_YOU_KNOW = re.compile(
    r"\bwat weet (?:je|jij|u) (?:al )?(?:van|over) (?:mij|ons|me)\b|\bwat ik van u weet\b|"
    r"\bwelke gegevens\b|\boverzicht\b|\bsamenvatting\b|\bwat heb ik (?:al )?gezegd\b"
)
SOMETHING_ELSE = re.compile(
    r"^(?:iets anders|andere vraag|ander onderwerp|nieuwe vraag)\b|\bik heb (?:nog )?een andere vraag\b|"
    r"\bander probleem\b|\biets anders\b"
)
NOT_SAFE_NOW = re.compile(
    r"\b(?:niet|nog niet) veilig\b|\bonveilig\b|\bhet is niet veilig\b|\bben bang\b|"
    r"\bhij is (?:er )?(?:nog|nu)\b|\bze is (?:er )?(?:nog|nu)\b|\bnog steeds gevaar\b"
)
SAFE_NOW = re.compile(
    r"\b(?:nu |weer )?veilig\b|\bgeen gevaar\b|\bhet gaat (?:nu )?(?:weer )?(?:wel|goed)\b|"
    r"\bga (?:maar )?verder\b|\bverder\b"
)
QUESTION_WHAT_IS = re.compile(
    r"\bwat (?:is|zijn|betekent|doet|doen|bedoel(?:t|en) (?:je|u|jullie) met) (?:een |de |het )?"
    r"([a-z0-9\- ]{2,40}?)\s*\??$|\bwie (?:is|zijn) (?:een |de |het )?([a-z0-9\- ]{2,40}?)\s*\??$|"
    r"\bwaar (?:vind|bereik) ik (?:een |de |het )?([a-z0-9\- ]{2,40}?)\s*\??$"
)
DELETE_REQUEST = re.compile(r"\b(?:verwijder|wis|vergeet)\b[^.?!]{0,30}\b(?:gesprek|gegevens|chat|data)\b")


def _first(table: tuple[tuple[str, str], ...], text: str) -> str | None:
    """The value whose pattern matches earliest in the text (ties: the order of the table)."""
    best: tuple[int, int, str] | None = None
    for order, (value, pattern) in enumerate(table):
        match = re.search(pattern, text)
        if match and (best is None or (match.start(), order) < best[:2]):
            best = (match.start(), order, value)
    return best[2] if best else None


_NEGATED = re.compile(r"\b(?:niet|geen)(?: (?:de|het|een|bij|van|via|met))? (\w[\w\- ]{0,30}?) maar\b")
# "de brief komt van het zorgkantoor, niet van de gemeente.", "het is helemaal niet van de gemeente, het is van het CIZ"
_NEGATED_AFTER = re.compile(
    r"(?:,\s*(?:en )?niet|\b(?:is|was|zijn|waren|komt|kwam) (?:helemaal |echt |dus |toch )?(?:niet|geen)) "
    r"(?:(?:van|bij|via|door|met) )?(?:(?:de|het|een) )?"
    r"[\w-]{2,30}(?=\s*(?:[.?!,;]|$))"
)  # "het is geen Zvw-vraag, het is de gemeente", "sorry, is niet gemeente."


def _without_negated(text: str) -> str:
    """'niet de gemeente maar het CIZ', 'het CIZ, niet de gemeente.', 'het is geen Zvw-vraag, het is de gemeente' → the
    negated part removed, so only what it is counts."""
    return _NEGATED_AFTER.sub(" ", _NEGATED.sub(" maar ", text))


_OWN_EMPLOYER = re.compile(
    r"\b(?:ik werk|werkzaam|medewerker|wij als|vanuit)(?: (?:bij|voor|van|als|in))? (?:de |het |een )?"
    r"(?:gemeente|zorgkantoor|wijkteam|sociaal team|jeugdteam|zorgaanbieder|instelling)\b"
)


def _org_text(text: str) -> str:
    """The text as the organisation is read from it: folded, without what is negated or names one's own employer."""
    return _OWN_EMPLOYER.sub(" ", _without_negated(fold(text)))


def names_a_provider(text: str) -> bool:
    """The text names a provider of care (a nursing home, thuiszorg, a group, the klachtenfunctionaris ...)."""
    folded = _org_text(text)
    return _first(_ORGANISATION[-1:], folded) is not None or "klachtenfunctionaris" in folded


def organisation(text: str) -> str | None:
    folded = _org_text(text)
    # a body that takes decisions (CAK, CIZ, zorgkantoor, verzekeraar, gemeente) before the provider of the care:
    # "we vroegen 4 dagdelen dagbesteding, de gemeente geeft er 2" is a decision of the gemeente
    # and a Wlz-indicatie (the CIZ's decision) before the provider too: "een indicatie zonder behandeling, terwijl hij
    # een verpleeghuis nodig heeft" is about the CIZ
    found = _first(_ORGANISATION[:-1], folded)
    if found:
        return found
    if re.search(r"\bindicatie\b", folded) and not re.search(r"\bwmo|jeugd", folded):
        return "ciz"
    return _first(_ORGANISATION[-1:], folded)


# a Wlz-indicatie the person has or gets: the care moves to the Wlz, whatever law the story names first ("hij had
# begeleiding via de wmo, nu heeft hij een wlz-indicatie vanaf 14 december"): from the fifth day after its start the
# zorgkantoor has the zorgplicht (S3, Zorgplicht)
_WLZ_NOW = re.compile(
    r"\b(?:heeft|hebben|krijgt|kreeg|gekregen|sinds|per|vanaf|met ingang van|ingangsdatum)\b(?:(?!\bgeen\b|\bniet\b)[^.?!]){0,40}"
    r"\bwlz(?:-| )?indicatie\b|\bwlz(?:-| )?indicatie\b[^.?!]{0,30}\b(?:per|vanaf|sinds|gekregen|met ingang|ingangsdatum|gaat in)\b|"
    r"\b(?:zit|zitten|woont|wonen|valt|vallen) (?:\w+ )?(?:in|onder) de wlz\b|\bwlz (?:heeft|hebben|krijgt|krijgen)\b"  # "omdat moeder Wlz heeft" (the Wmo-consulent is no law)
)


# a Wlz that still has to be applied for is not the law of the care now ("we moeten een wlz aanvragen")
_TO_APPLY = re.compile(
    r"\b(?:een |de )?(?:wlz|wlz-?indicatie|indicatie voor de wlz) (?:\w+ )?(?:moeten |gaan |willen |te )?aanvragen\b"
)


# a law said not to apply, or not known to apply ("vader heeft nog geen Wlz", "we weten niet of ze een
# Wlz-indicatie heeft"): no law is read from it (issue 15 item 5)
_LAW_DENIED = re.compile(
    r"\b(?:nog )?(?:geen|zonder)(?: \w+)? (?:wlz|wmo|jeugdwet|zvw)\b(?:[- ]?(?:indicatie|zorg))?|"
    r"\b(?:niet|nooit) (?:in|onder|via) de (?:wlz|wmo|jeugdwet|zvw)\b|"
    r"\bweten? (?:\w+ )?niet of (?:\w+ ){0,5}(?:wlz|wmo|jeugdwet|zvw)\b(?:[- ]?indicatie)?"
)


def law(text: str) -> str | None:
    folded = _TO_APPLY.sub(" ", _org_text(text))
    folded = _LAW_DENIED.sub(" ", folded)
    if _WLZ_NOW.search(folded):
        return "wlz"
    # the name of a law outranks the words around it: "ggz-Wlz", "Wlz-GGZ-wonen" is Wlz, though ggz comes first
    return _first(_LAW_NAMED, folded) or _first(_LAW, folded)


# a young person about themselves: their age, or the people of their own jeugdhulp ("mijn pleegouders", "de leiding van
# mn groep"). It outranks the family words, so "ik heb met mijn moeder gevraagd ... ik ben 17" is the young person;
# not "ik ben 17 jaar getrouwd" or "ik ben 16 weken zwanger". "mijn ouders" alone says nothing: "mijn ouders van 88"
# is a son or daughter.
_YOUNG_SELF = re.compile(
    r"\bik ben (?:nu |pas |net |bijna )?(?:1[2-7]|twaalf|dertien|veertien|vijftien|zestien|zeventien)\b"
    r"(?!\s*(?:jaar )?(?:getrouwd|samen|mantelzorger|bezig|lang|in dienst|werkzaam|weken|maanden|dagen|uur|keer|%))|"
    r"\b(?:mijn|mn|m'n) (?:pleeg(?:ouders|moeder|vader|gezin|broer|zus)|gezinsvoogd|jeugdzorgwerker|jeugdbeschermer|"
    r"groepsleid(?:ing|ers?)|mentor op school|jeugdhulpverlener)\b|\b(?:leiding|begeleiders?|groepsleiding) (?:van|op) "
    r"(?:mijn|mn|m'n) (?:leef|behandel|woon)?groep\b|\bik (?:woon|zit|moet|ga) (?:nu )?(?:op|in|naar) (?:een|de|mijn|mn|m'n) "
    r"(?:andere )?(?:leef|behandel|woon)?groep\b|\bi(?: a|')m 1[2-7]\b(?! (?:years? (?:married|caring)|weeks))|"
    r"\bmy foster (?:parents|family|mum|mom|dad|home|carers?)\b|"
    r"\bik (?:ga|kan|durf|wil) (?:(?!en\b|maar\b)\w+ ){0,3}naar (?:school|de middelbare)\b|\bik spijbel"
)


def role(text: str, answer: bool = False) -> str | None:
    folded = _without_negated(fold(text))
    found = _first(_ROLE, folded)
    if found in (None, "naaste", "client") and _YOUNG_SELF.search(folded):
        return "jongere"
    if found or not answer:
        return found
    return _first(_ROLE_ANSWER, folded)


# "woont al 15 jaar bij een instelling", "sinds 3 jaar", "15 jaar geleden": a duration, not an age
# "ik woon 6 jaar in Nederland", "wij wonen hier 11 jaar", "40 jaar getrouwd": how long, not how old
_DURATION_BEFORE = re.compile(
    r"(?:\b(?:al|sinds|ruim|bijna|afgelopen|laatste|voor|na|over|binnen|lang|zo'?n)\s+|"
    r"\b(?:woon|woont|wonen|woonde|woonden|werk|werkt|werken|werkte|werkten)\s+(?:hier\s+|nu\s+|in nederland\s+)?|"
    r"\b(?:wachtlijst|wachttijd|wachten|wacht|wachtte|wachtten|duurt|duurde)\s+(?:van\s+|al\s+|nu\s+|ruim\s+)?)$"
)
_DURATION_AFTER = re.compile(r"^\s*(?:geleden|lang|terug|in nederland|getrouwd|samen|in dienst)\b")
# "mijn broer (41, ...)", "moeder (86)": an age in brackets right after a person
_AGE_IN_BRACKETS = re.compile(r"\((\d{1,3})(?:\s*(?:jaar|jr|j))?\s*[,)]")
# a number right after a person ("dochter 15 zit op een behandelgroep", "Dhr. 71, alleenstaand"): the age
_AGE_AFTER_PERSON = re.compile(
    r"\b(?:dochter|zoon|kind|moeder|vader|oma|opa|man|vrouw|broer|zus|jongen|meisje|client|clientes?|dhr|mevr|mw|mr|cl|meneer|"
    r"mevrouw|bewoner|bewoonster)\b\.?,?\s(\d{1,3})\b(?!\s*(?:minuten|min|uur|keer|x|dagen|weken|maanden|euro|procent)\b)"
    r"(?![-/.:%]\d|%)"
)


def age_years(text: str) -> int | None:
    folded = fold(text)
    # an age in brackets or right after a person ("mw. 39, ...") that comes first outranks a later "2 jaar"
    near_person = sorted(
        (
            m
            for m in (_AGE_IN_BRACKETS.search(folded), _AGE_AFTER_PERSON.search(folded))
            if m and int(m.group(1)) <= 110
        ),
        key=lambda m: m.start(),
    )
    for match in sorted([*_AGE.finditer(folded)], key=lambda m: m.start()):
        if near_person and near_person[0].start() < match.start():
            break
        if _DURATION_BEFORE.search(folded[: match.start()]) or _DURATION_AFTER.match(folded[match.end() :]):
            continue
        raw = next(g for g in match.groups() if g)
        years = _AGE_WORDS.get(raw) or (int(raw) if raw.isdigit() else None)
        if years is not None and 0 <= years <= 110:
            return years
    return int(near_person[0].group(1)) if near_person else None


def age_group(text: str, answer: bool = False) -> str | None:
    folded = fold(text)
    if _TURNS_18.search(folded):
        return "kind"
    years = age_years(folded)
    if years is None and answer:
        bare = re.fullmatch(r"(\d{1,3})", folded)
        years = int(bare[1]) if bare and int(bare[1]) <= 110 else None
    if years is not None:
        return age_group_for(years)
    if re.search(
        r"\b(?:baby|peuter|kleuter|puber|tiener|minderjarig|jonger dan 18|onder de 18|basisschool|"
        r"middelbare school|mijn kind|ons kind|zoontje|dochtertje)\b",
        folded,
    ):
        return "kind"
    if answer and re.search(r"\b(?:een|nog) kind\b", folded):  # "ze is nog een kind"
        return "kind"
    if answer and re.search(
        r"\b(?:volwassen|ouder dan 23|bejaard|oudere|senior|dementie|dementerend|"
        r"verpleeghuis)\b",
        folded,
    ):
        return "volwassene"
    if answer and re.search(r"\b(?:jongvolwassen|tussen (?:de )?18 en 23|18 tot 23)\b", folded):
        return "jongvolwassene"
    return None


def turns_18(text: str) -> bool:
    return bool(_TURNS_18.search(fold(text)))


# an answer that tells what else was done ("met mijn mentor gepraat", "huisarts en ggz gebeld"): not the step asked
OTHER_ACTION = re.compile(
    r"\b(?:gepraat|gezegd|verteld|besproken|overleg(?:d)?|gebeld|gemaild|gevraagd|benaderd|aangekaart|"
    r"talked|called|spoke|asked)\b"
)


# the answer to "which date is on the decision (on your bezwaar)?" when there is none yet: no date, and what was sent
# still runs ("nog geen beslissing, bezwaar is 5 maanden geleden ingediend" gives no decision date)
_NO_DECISION_YET = re.compile(
    r"\bnog (?:steeds )?(?:geen|niks|niets|niet)\b(?: \w+){0,2}? ?(?:beslissing|uitspraak|besluit|beslist|antwoord|"
    r"reactie|brief|gehoord)\b|\bnog (?:steeds )?(?:niks|niets)\b|\bgeen (?:beslissing|uitspraak|besluit|brief)\b|"
    r"\b(?:sindsdien|daarna|sinds die tijd)[\s:,.!-]{1,4}(?:nog )?(?:niks|niets)\b|\bhoor(?:en)? (?:ik |we |wij )?(?:niks|niets)\b|"
    r"\b(?:niks|niets)(?: meer)? gehoord\b|\bnooit (?:meer )?(?:iets|wat) gehoord\b|"
    r"\bno decision\b|\bnot yet\b|\bnothing yet\b|\bstill nothing\b|\bheard nothing\b|"
    # "Since then: silence.", "we haven't heard back", "still no answer"
    r"\bsince then[\s:,.!-]{1,4}(?:silence|nothing|no (?:word|answer|reply|news))\b|\b(?:haven'?t|have not|not) heard "
    r"(?:anything|back)\b|\bstill no (?:answer|reply|decision|word|news)\b|\bno (?:answer|reply|response|word) (?:yet|since)\b"
)


# nobody knows which indicatie the client has ("weet niet of er een Wlz-indicatie is", "'iets van het CIZ', weet niet
# wat"): the ninth inventory question, the Wlz-raadpleegfunctie for a provider that treats the client (S3)
_INDICATION_UNKNOWN = re.compile(
    r"\b(?:weet|weten)(?: \w+){0,3} niet (?:of|wat|welke)\b[^.?!]{0,40}\bindicatie\b|"
    r"\b(?:nagaan|checken|check ik|opzoeken|achterhalen|uitzoeken)\b[^.?!]{0,30}\b(?:wlz-?)?indicatie\b|"
    r"\biets van het ciz\b[^.?!]{0,60}\bweet(?:en)? (?:\w+ )?niet\b|\bdon'?t know (?:if|whether|what)\b[^.?!]{0,40}\bindication\b|"
    # "ik vermoed dat hij al een wlz-indicatie heeft, ... maar hij weet het niet meer", "... hoe kom ik erachter?"
    r"\b(?:vermoed\w*|denk\w*|geloof\w*|misschien)\b[^.?!]{0,20}\bindicatie\b[^.?!]{0,90}\b(?:weet|weten)\b[^.?!]{0,15}\bniet\b|"
    r"\bindicatie\b[^?]{0,250}\b(?:hoe (?:kom|komen|kan|kunnen) (?:ik|we|wij|je) (?:daar |dat )?(?:erachter|achter|te weten)|"
    r"erachter komen)\b|\b(?:find out|check) (?:if|whether) (?:he|she|they) (?:has|have|already has) (?:a |an )?(?:wlz )?indication\b"
)
# a team divided over a dilemma, said in a story ("de helft van het team wil ..., de andere helft ...", "het team is het
# echt oneens"): the fact team_divided (a moreel beraad first, S3); "het team weet zich geen raad" is not divided
_TEAM_DIVIDED = re.compile(
    r"\b(?:team|collega'?s|mdo|behandelaars|begeleiders|zorgverleners)\b[^.?!]{0,80}\b(?:verdeeld|(?:het )?(?:echt |"
    r"helemaal |onderling )?oneens|botsen|ruzie|komen (?:er )?(?:samen |onderling )?niet uit)\b|"
    r"\bhelft van (?:het team|de collega'?s|de begeleiders)\b[^.?!]{0,160}\bandere helft\b|"
    r"\b(?:ethisch|moreel)\w* (?:dilemma|kwestie)\b|"
    # English: "our team is completely split: half says it's his life, half says ..."
    r"\b(?:team|colleagues|staff)\b[^.?!]{0,40}\b(?:split|divided|disagree)\b|\bhalf (?:of )?(?:the team |us )?(?:says|say|thinks|think|want|wants)\b[^.?!]{0,160}\b(?:other )?half\b|"
    r"\bethical dilemma\b"
)
# the move to the Wlz: a Wlz-indicatie that was given or starts, and the gemeente that stops its help ("eindelijk een wlz
# indicatie ... nu heeft de gemeente de huishoudelijke hulp stopgezet, 'want nu valt ze onder de wlz'"): from the fifth
# day after the start of the indicatie the zorgkantoor has the zorgplicht and bridges (S3 'Zorgplicht'), not a bezwaar.
# Narrower than _WLZ_NOW (the law of the care): an indicatie applied for or refused is no move, and English counts.
_WLZ_GIVEN = re.compile(
    r"\b(?:heeft|hebben|kreeg|kregen|gekregen|sinds|eindelijk|nu|got|has|have|finally)\b(?:(?!\b(?:geen|no|niet|not)\b)"
    r"[^.?!]){0,30}\bwlz(?:-| )?"
    r"(?:indicatie|indication)\b(?![^.?!]{0,20}\b(?:aangevraagd|aanvragen|applied|afgewezen|refused)\b)|"
    r"\bwlz(?:-| )?(?:indicatie|indication)\b[^.?!]{0,40}\b(?:gaat in|ging in|ingegaan|ingang\w*|start\w*|begint|began|from|per)\b"
)
_HELP_STOPPED = re.compile(
    r"\b(?:gemeente|wmo|jeugdhulp)\b[^.?!]{0,80}\b(?:stop\w*|gestopt|beeindig\w*|ingetrokken|ended|cut off)\b|"
    r"\b(?:stop\w*|gestopt|beeindig\w*)\b[^.?!]{0,60}\b(?:wmo|gemeente)\b|"
    r"\b(?:want|omdat) (?:ze|zij|hij|u) (?:nu )?(?:valt )?onder de wlz\b|\bbecause (?:he|she)(?:'s| is) (?:on )?wlz\b"
)
# other providers were asked for a place and none had one (the aanmeldrondes of S2): "1e aanmeldronde: 4 aanbieders
# gebeld, alle 4 nee", "2 keer andere plek gezocht, eerst zelf, dan met zorgkantoor, niemand heeft plek", "NAH-afdelingen
# wijzen af", "four providers said no"
_PROVIDERS = r"(?:aanbieders|zorgaanbieders|instellingen|woonvormen|verpleeghuizen|locaties|afdelingen|providers|homes)"
_SEARCH_FAILED = re.compile(
    r"\b(?:aanmeld|zoek)rondes?\b|\b(?:1e|2e|eerste|tweede|beide|twee|2) (?:aanmeld|zoek)?rondes?\b|"
    r"\baanmeldingen bij (?:\d+|twee|drie|vier|vijf|zes) \w+\b|"
    rf"\b(?:\d+|twee|drie|vier|vijf|zes|zeven|acht|alle|verschillende|meerdere) (?:\w+ )?{_PROVIDERS}\b[^.?!]{{0,80}}"
    r"\b(?:nee|afgewezen|wijzen (?:\w+ )?af|geen plek|vol|doelgroep|past niet|said no|refused|turned (?:him|her|us) down|no place|full)\b|"
    rf"\b{_PROVIDERS} (?:wijzen (?:\w+ )?af|zeggen (?:allemaal )?nee)\b|"
    r"\b(?:andere|nieuwe) (?:plek|aanbieder|woonplek|plaats)\b[^.?!]{0,30}\bgezocht\b[^.?!]{0,80}\b(?:niemand|niks|niets|geen|nergens)\b|"
    r"\b(?:two|2|second|both) (?:search )?rounds?\b"
)
# the second round, with the zorgkantoor's wachtlijstbemiddeling (S2), told with a search that failed: the zorgkantoor's
# step of the route of no fitting place was tried ("2e ronde samen met het zk", "eerst zelf, dan met zorgkantoor")
_SECOND_ROUND = re.compile(
    r"\b(?:2e|tweede|second) (?:aanmeld|zoek)?ronde\b|\b(?:twee|2|beide|both|two) (?:aanmeld|zoek)?rondes?\b|"
    r"\bwachtlijstbemiddeling\b|\b(?:eerst )?zelf,? (?:en )?(?:daarna|toen|dan|later) (?:samen )?met (?:het )?zorgkantoor\b"
)


def second_round_failed(text: str) -> bool:
    """Other providers were asked without a place, in a second round with the zorgkantoor (S2)."""
    folded = fold(text)
    return bool(_SEARCH_FAILED.search(folded) and _SECOND_ROUND.search(folded))


# a young person in youth care who feels unheard or does not dare to speak up ("voelt zich niet gehoord door haar mentor
# op de groep. Ze durft daar zelf niks van te zeggen"): the AKJ, whoever writes (S1 'Vertrouwenspersoon jeugd')
_YOUTH_NOT_HEARD = re.compile(
    r"\b(?:voelt zich|voel me|voel mij|voelen zich) (?:niet|nooit) (?:gehoord|serieus genomen|begrepen)\b|"
    r"\bdurf\w* (?:het |daar |er |dat )?(?:zelf )?(?:niet|niks|niets)\b[^.?!]{0,25}\b(?:te )?(?:zeggen|vragen|melden|aankaarten)\b|"
    r"\b(?:niemand|nobody) (?:luistert|listens)\b|\b(?:oneens|niet eens) met de (?:regels|huisregels|groepsregels)\b|"
    r"\b(?:does ?n[o']?t|do ?n[o']?t) dare to (?:say|speak|tell)\b|\bfeels? (?:unheard|not heard|ignored)\b"
)
# stuck on the law itself: which law, two laws at once, who pays, setting a rule aside ("strandt op de vraag wie de
# behandeling betaalt (Zvw of Wlz)", "de regels blokkeren de oplossing"): S2 names these for the Praktijkteam of VWS
_LAWS_WORD = r"(?:zvw|wlz|wmo|jeugdwet|wet langdurige zorg|zorgverzekeringswet)"
_RULES_QUESTION = re.compile(
    r"\bsamenloop\b|\bwie (?:\w+ ){0,3}(?:betaalt|moet betalen|gaat betalen|financiert)\b[^?]{0,60}\b"
    + _LAWS_WORD
    + r"\b|"
    r"\b" + _LAWS_WORD + r" of (?:de )?" + _LAWS_WORD + r"\b[^.?!]{0,40}\b(?:betaalt|betalen|financier\w*)\b|"
    r"\bregels?\b[^.?!]{0,30}\b(?:blokkeren|blokkeert|staan (?:\w+ )?in de weg|zitten (?:\w+ )?in de weg)\b|"
    r"\bafwijken van (?:de )?(?:regels|regelgeving|wet|wetgeving)\b|\bwelke wet (?:geldt|is van toepassing|hier geldt)\b|"
    r"\b(?:tussen|valt tussen) (?:twee|de) wetten\b|\bwhich law applies\b|\bwho pays\b[^?]{0,40}\b"
    + _LAWS_WORD
    + r"\b|"
    r"\brules? (?:are |is )?(?:blocking|getting in the way)\b|\boverlap (?:of|between) (?:the )?laws\b"
)
# a crisis where the client is that cannot wait for an advice in weeks: urgent (probleemgedrag: the COT first)
_CRISIS_ON_SITE = re.compile(
    r"\bacuut (?:ontregeld|in crisis)\b|\bcrisis op de groep\b|\bbinnen (?:48 uur|24 uur|twee dagen|2 dagen)\b|"
    r"\bsneller\b[^.?!]{0,30}\bter plaatse\b"
)
# someone who refuses all help ("wil van niemand hulp", "weigert alles", "doet de deur niet open"): bemoeizorg
_REFUSES_CARE = re.compile(
    r"\b(?:wil|wilt|willen)(?: \w+)? (?:absoluut |echt |helemaal |totaal )?geen (?:hulp|zorg|thuiszorg|bemoeienis|hulpverlening)"
    r"(?: meer)?\b|\bwil van niemand hulp\b|\bweigert (?:alle |elke |iedere |de |alle vormen van |elke vorm van )?"
    r"(?:hulp|zorg|thuiszorg|hulpverlening)\b|\bweigert alles\b|\bdoet (?:de |die )?(?:deur )?niet (?:meer )?open\b|"
    r"\bals (?:hij|zij|ze) (?:het )?(?:zelf )?niet wil\b|\b(?:hij|zij|ze) wil niemand(?: zien| binnenlaten| binnen)?(?=\s*[.?!,]|$)|"
    r"\bzorgmijd\w*\b|\brefuses (?:all |any )?(?:help|care)\b|\bwon'?t (?:accept|let) (?:any )?(?:help|anyone)\b|"
    r"\bwil niet naar de (?:ggz|huisarts|dokter)\b"
)
# longer than any term for the decision on a bezwaar (6 weeks, 12 with a commissie, + 6 once: R-public §4, Awb 7:10)
_OBJECTION_LATE = re.compile(
    r"\b(?:termijn|beslistermijn)\b[^.?!]{0,20}\b(?:verstreken|verlopen|voorbij|overschreden)\b|\bte laat\b|"
    r"\b(?:[5-9]|1[0-2]|vijf|zes|zeven|acht|negen|tien) maanden\b|\b(?:1[89]|[2-9]\d) weken\b|\b(?:half|een half) jaar\b|"
    r"\bhalfjaar\b|\banderhalf jaar\b"
)


# a bezwaar made or to be made against something (not a "bezwaar" in the sense of an objection to a plan of the staff)
_OBJECTED = re.compile(r"\bbezwaar(?:schrift)?\b[^.?!]{0,40}\b(?:gemaakt|ingediend|maken|indienen|tegen)\b")
# how long a decision on a bezwaar may take at most: 12 weeks with a bezwaarcommissie, once 6 more (Awb 7:10, R-public
# §4); 12 weeks when the story says the term was not postponed or there was no hoorzitting
OBJECTION_TERM_MAX_WEEKS = 18
OBJECTION_TERM_WEEKS = 12
_NO_POSTPONEMENT = re.compile(
    r"\bgeen (?:\w+ ){0,3}(?:verlenging|verdaging|uitstel)\b|\bniet (?:verlengd|verdaagd|uitgesteld)\b|"
    r"\bnooit (?:\w+ ){0,5}(?:verleng\w*|verdaag\w*|uitstel)\b|"
    r"\bgeen hoorzitting\b"  # no bezwaarcommissie heard it: 6 weeks and once 6 more
)
# the date of the decision a bezwaar is against, in the sentence that says it was sent: no date of sending
_DECISION_OF = re.compile(r"\b(?:besluit|brief|beschikking|afwijzing)\w* (?:van|d\.?d\.?|gedateerd) [^,.;]{0,25}")


def objection_sent_in(text: str, today: date) -> date | None:
    """When a bezwaar was sent, from a sentence that says so ("in juni bezwaar gemaakt": 30 June, the latest it can
    be, so that a time counted from it is never too long)."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        folded = fold(sentence)
        if not _SENT.search(folded) or not re.search(r"\bbezwaar|\bobjection\b", folded):
            continue
        cleaned = _DECISION_OF.sub(" ", folded)
        found = a_date(cleaned, today) or latest_day_said(cleaned, today)
        if found and found <= today:
            return found
    return None


def objection_overdue(text: str, today: date) -> bool:
    """A bezwaar told as sent longer ago than any term for the decision on it (or than 12 weeks, when the story says
    the term was never postponed); whether it was decided meanwhile is the caller's to read (``no_decision_yet``)."""
    sent = objection_sent_in(text, today)
    if sent is None:
        return False
    weeks = (today - sent).days / 7
    return weeks > OBJECTION_TERM_MAX_WEEKS or (
        weeks > OBJECTION_TERM_WEEKS and bool(_NO_POSTPONEMENT.search(fold(text)))
    )


def no_decision_yet(text: str) -> bool:
    return bool(_NO_DECISION_YET.search(fold(text)))


def unknown_step(text: str) -> bool:
    """'wat is dat?', 'nooit van gehoord': the answer of someone who does not know the step asked about."""
    return bool(_UNKNOWN_STEP.search(fold(text)))


def step_outcome(text: str, step: str | None = None) -> str | None:
    """'nee', 'loopt', 'niet_geholpen', 'gedaan' (done, result unknown) or None."""
    folded = fold(text)
    if step == "klachtenfunctionaris" and _TOLD_STAFF.search(folded) and "klachtenfunctionaris" not in folded:
        return "nee"
    if _NOTHING_DONE.search(folded):
        return "nee"  # "nee nog niks gedaan": not "nog niks" (gehoord) of a step that runs
    if _FAILED.search(folded):
        return "niet_geholpen"
    if _PENDING.search(folded):
        return "loopt"
    if _NOT_TRIED.search(folded) or _UNKNOWN_STEP.search(folded):
        return "nee"
    if _SENT.search(folded):
        return "loopt"
    yes = YES_WORD.match(folded)
    if yes and _RECENT.search(folded):
        return "loopt"
    if yes and not _ONLY_WHEN.match(folded[yes.end() :]):
        # "ja, die weten het ook niet", "ja maar het logeerhuis is dicht", "ja 2x, niks bruikbaars": done, and
        # the person still asks what comes next: it did not solve it (a bare "ja" or "ja, in juni" is asked further)
        return "niet_geholpen"
    if yes and _LONG_AGO.search(folded) and not (step and _LEGAL_STEP_ID.match(step)):
        return "niet_geholpen"
    if _DONE.search(folded):
        return "gedaan"
    return None


def yes_no(text: str) -> bool | None:
    folded = fold(text)
    if _NO.search(folded):
        return False
    if _YES.search(folded):
        return True
    if _NO_INSIDE.search(folded):
        return False
    return None


def dont_know(text: str) -> bool:
    return bool(DONT_KNOW.search(fold(text)))


# the words of a sentence that gives the date of a decision (its letter, when it came)
_DECISION_WORDS = re.compile(
    r"\b(?:besluit|brief|brieven|beschikking|beslissing|afwijzing|gedateerd|dagtekening|uitspraak|gekregen|ontvangen|"
    r"datum|letter|decision)\b|\b\w+(?:brief|besluit)\b"  # "de afwijzingsbrief is van 23 november"
)
_OBJECTION_DECISION_CONTEXT = re.compile(
    r"\b(?:beslissing op (?:mijn |het |ons )?bezwaar|bezwaar (?:is |was |werd )?(?:afgewezen|"
    r"ongegrond)|uitspraak op (?:mijn |het )?bezwaar)\b"
)


# a date that something must happen by, or from, is no date of a decision ("ze moet voor 1 januari weg"), nor is the
# start date of an indicatie ("ingangsdatum maandag 14 december": issue 15 item 2)
_NOT_A_DECISION_DATE = re.compile(
    r"\b(?:voor|per|tot|uiterlijk|vanaf|tegen|eind|begin|before|by|until|ingangsdatum|ingaande|met ingang van|gaat in op|"
    r"start(?:datum|t op)?|sinds)\s+(?:\w+\s+)?\d{1,2}(?:[-/.]\d{1,2})?"
    r"(?:[-/.]\d{2,4})?(?:\s+[a-z]+)?|\b(?:voor|per|tot|uiterlijk|vanaf|tegen|eind|begin)\s+(?:volgende|deze|komende)\s+\w+"
)


def objection_decision_date_in(text: str, today: date) -> date | None:
    """The date of the decision on a bezwaar: only from a sentence that names that decision, never the date the
    bezwaar was sent ("op 21 september bezwaar gestuurd. Nu een brief dat het ongegrond is": no date said)."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        if _OBJECTION_DECISION_CONTEXT.search(fold(sentence)):
            found = a_date(sentence, today)
            if found:
                return found
    return None


def decision_date_in(text: str, today: date) -> date | None:
    """The date of a decision in a story: only from a sentence that names the decision or its letter (besluit,
    brief, beschikking ...), never a date something must happen by ("voor 1 januari", "per de 1e"), never the date
    of a decision on a bezwaar; several dates in a story are kept apart (issue 14/15)."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        folded = fold(sentence)
        if not _DECISION_WORDS.search(folded) or _OBJECTION_DECISION_CONTEXT.search(folded):
            continue
        cleaned = _NOT_A_DECISION_DATE.sub(" ", folded)
        word = _DECISION_WORDS.search(cleaned)
        after = cleaned[word.end() : word.end() + 40] if word else ""  # "het besluit van 2 oktober"
        found = (after and parse_date(after, today=today)) or a_date(cleaned, today)
        if found:
            return found
    return None


_HOW_MANY = {"een": 1, "a": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3, "vier": 4, "four": 4, "vijf": 5}
_HOW_MANY |= {"five": 5, "zes": 6, "six": 6}
# "3 weken terug", "een maand geleden", "three weeks ago": counted back from today
_AGO = re.compile(
    r"\b(\d{1,2}|" + "|".join(_HOW_MANY) + r")\s+(dag|dagen|days?|week|weken|weeks?|maand|maanden|months?)\s+"
    r"(?:terug|geleden|ago|oud|old)\b"
)
# in the answer to the date question a bare count is the age of the letter: "brief 3 week", "besluit is 10 dagen"
_AGE_OF_LETTER = re.compile(
    r"\b(\d{1,2}|" + "|".join(_HOW_MANY) + r")\s+(dag|dagen|days?|week|weken|weeks?|maand|maanden|months?)\b"
)
# "vorige week": counted from the Monday of last week (the earliest day it can be: the deadline is never too late)
_LAST_WEEK = re.compile(r"\b(?:vorige week|afgelopen week|last week)\b")


def _ago(folded: str, today: date, answer: bool = False) -> date | None:
    found = _AGO.search(folded) or (_AGE_OF_LETTER.search(folded) if answer else None)
    if not found:
        if _LAST_WEEK.search(folded):
            return today - timedelta(days=today.weekday() + 7)
        return None
    amount = int(found.group(1)) if found.group(1).isdigit() else _HOW_MANY[found.group(1)]
    unit = found.group(2)
    if unit.startswith(("maand", "month")):
        return today - relativedelta(months=amount)
    return today - timedelta(days=amount * (7 if unit.startswith("we") else 1))


def a_date(text: str, today: date, answer: bool = False) -> date | None:
    """A date in the text: the project's own reader first (precise), a count back from today ("3 weken terug"), then
    dateparser for Dutch phrases. ``answer``: the text answers the date question (a bare count is an age)."""
    found = parse_date(text, today=today)
    if found:
        return found
    folded = fold(text)
    found = _ago(folded, today, answer)
    if found:
        return found
    if not re.search(
        r"\b(?:maand|week|weken|dag|dagen|jan|feb|maart|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec|"
        r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|gisteren|eergisteren|vandaag|"
        r"\d{1,2}[-/.]\d{1,2})\b",
        folded,
    ):
        return None
    try:
        import dateparser  # noqa: PLC0415 - optional, slow to import: only when a date-like word is there
    except ImportError:  # pragma: no cover
        return None
    for chunk in re.split(r"[,.;!?]", folded)[:8]:
        chunk = re.sub(r"^.*?\b(?:is van|van|op|sinds|gedateerd)\b ", "", chunk.strip())
        if not chunk or len(chunk) > 40:
            continue
        parsed = dateparser.parse(
            chunk,
            languages=["nl"],
            settings={
                "PREFER_DATES_FROM": "past",
                "DATE_ORDER": "DMY",
                "RELATIVE_BASE": _as_datetime(today),
                "REQUIRE_PARTS": ["day", "month"] if re.search(r"\d", chunk) else [],
            },
        )
        if parsed:
            return parsed.date()
    return None


def _as_datetime(day: date):  # noqa: ANN202
    from datetime import datetime  # noqa: PLC0415

    return datetime(day.year, day.month, day.day, 12, 0)


def date_answer(text: str, today: date, decision: bool = False) -> str | None:
    """ISO date, 'onbekend', or None. ``decision``: the answer to "the date of the decision": of several dates the one
    in the part about the decision ("aangevraagd op 3 augustus, de afwijzingsbrief is van 23 november")."""
    if dont_know(text):
        return UNKNOWN
    found = None
    if decision:
        parts = [p for p in re.split(r"[,;]|\s(?:en|maar)\s", text) if p.strip()]
        found = decision_date_in(". ".join(parts), today) if len(parts) > 1 else None
    found = found or a_date(text, today, answer=True)
    return found.isoformat() if found else None


def read_answer(fact: str, text: str, today: date, step: str | None = None) -> Any | None:
    """The answer to the question about ``fact`` in free text, or None when it does not answer it."""
    if fact == "step_outcome":
        if unknown_step(text):
            return "nee"  # "geen idee wat dat is": the step is unknown to them, so not tried
        if dont_know(text):
            return UNKNOWN
        return step_outcome(text, step)
    if fact == "law":
        # a law or a body named next to a doubt still answers ("geen idee, het zorgkantoor denk ik": the Wlz)
        found = law(text) or LAW_OF_ORGANISATION.get(organisation(text) or "")
        return found or (UNKNOWN if dont_know(text) else None)
    if dont_know(text):
        return UNKNOWN
    if fact == "organisation":
        return organisation(text)
    if fact == "role":
        return role(text, answer=True)
    if fact == "age_group":
        return age_group(text, answer=True)
    if fact in ("decision_date", "objection_decision_date"):
        if no_decision_yet(text):
            return UNKNOWN  # no decision (letter) yet: no date, whatever other date the answer names
        return date_answer(text, today, decision=fact == "decision_date")
    if fact in ("acute_danger", "consent", "urgent", "termination") or is_yes_no(fact):
        return yes_no(text)
    if fact == "situation":
        return guess_situation(text)
    return None


_DOUBT = re.compile(
    r"\b(?:ik |we |wij )?(?:weet|weten) (?:ik |we |wij |ook |dus |het |zelf )*niet (?:of|welke|wie|wat)\b[^.?!]*"
)


def is_yes_no(fact: str) -> bool:
    """A fact whose values are yes, no (and 'weet ik niet'), e.g. about_decision in catalogue/questions."""
    from opschaling.facts import ALLOWED  # noqa: PLC0415

    allowed = set(ALLOWED.get(fact, ()))
    return bool(allowed) and allowed <= {True, False, UNKNOWN}


# zorg and veiligheid both (the Veiligheidshuis, S1): police, nuisance, threats, weapons, fire hazard, crime
# care said not to be ended ("we willen niet opzeggen", "geen opzegging"): no termination
# (an intention denied, not "ze mogen de zorg niet zomaar stoppen", which is about care that is being ended)
_NOT_ENDED = re.compile(
    r"\b(?:wil|willen|gaan|zullen|hoeven)(?: \w+)? niet (?:\w+ )?(?:opzeggen|beeindigen|stoppen)\b|\bgeen opzegging\b"
)
# a safety concern said not to be there ("er speelt geen overlast of politie", "geen onveiligheid in het gezin")
_UNSAFE_WORD = (
    r"(?:overlast|politie\w*|onveilig\w*|geweld\w*|agressie\w*|agressief|justitie\w*|bedreig\w*|veiligheid\w*)"
)
_NO_SAFETY_CONCERN = re.compile(
    rf"\b(?:geen|zonder|nooit)\b(?: \w+){{0,3}}? {_UNSAFE_WORD}(?:,? (?:of|en|,) (?:\w+ )?{_UNSAFE_WORD})*"
)
_SAFETY_CONCERN = re.compile(
    r"\bpolitie\w*|\boverlast\b|\bagressie\w*|\bagressief\b|\bbedreig\w*|\bwapen\w*|\bmes\b|"
    r"\bbrandgevaar\w*|\bbrandstichting\b|\bbrand (?:in|gesticht|veroorzaakt)\b|\bveroorzaakte (?:hij |zij |ze )?brand\b|"
    r"\bhuiselijke? (?:spanning\w*|geweld|ruzies?)\b|\bonveilig\w*|\bgeweld\w*|\bjustitie\w*|\breclassering\b|"
    r"\bcriminal\w*|\bcrimineel\b|\bdeal(?:en|t)\b|\bintimid\w*|\bbuurtbewoners? (?:klagen|bang)\b|"
    r"\bzorg en veiligheid\b|\bveiligheidsrisico\w*"
)


# a complaint about how someone was treated, said as such: not about what a decision says
_ABOUT_TREATMENT = re.compile(
    r"\b(?:gaat|ging) (?:me|mij|ons|het) (?:echt |vooral |alleen |juist )?(?:om|over) hoe (?:ik|we|wij|hij|zij|ze|mijn \w+)"
    r" (?:\w+ )?(?:behandeld|bejegend|benaderd|aangesproken|te woord gestaan)\b|"
    r"\bniet (?:over|om) het besluit\b|\bhet besluit (?:heb|hebben) (?:ik|we|wij) (?:nog )?(?:niet|geen)\b"
)
# what a decision of a body SAYS (hours cut, refused, an indicatie without treatment): a complaint about that is an
# objection (bezwaar), not a klacht (R-public §7; issue 15 item 2)
DECISION_CONTENT = re.compile(
    r"\b(?:uren|uur|hulp|huishoudelijke hulp|begeleiding|indicatie|zorg|pgb|budget|dagbesteding|logeeropvang)\b[^.?!]{0,40}"
    r"\b(?:gehalveerd|halveert|halveren|gekort|korten|verlaagd|verlaagt|verminderd|teruggebracht|afgewezen|"
    r"geweigerd|ingetrokken|stopgezet)\b|"
    r"\b(?:gehalveerd|gekort|verlaagd|verminderd|afgewezen|geweigerd|ingetrokken)\b[^.?!]{0,30}\b(?:uren|uur|hulp|begeleiding|"
    r"indicatie|pgb|aanvraag)\b|"
    r"\bvan \d+(?:[.,]\d+)? (?:uur |uren )?(?:per week |in de week )?naar \d+(?:[.,]\d+)? (?:uur|uren)\b|"
    r"\b(?:gemeente|wijkteam|consulent|ciz|zorgkantoor|cak)\b[^.?!]{0,50}\b(?:heeft|hebben) (?:besloten|beslist) dat\b|"
    r"\bindicatie\b[^.?!]{0,40}\bzonder (?:behandeling|verblijf|nachtzorg)\b|\b(?:daar|ertegen|tegen het besluit) tegenin\b|"
    r"\btegenin (?:gaan|te gaan)\b|"
    # "had 8 uur begeleiding en nu hebben ze er 4 van gemaakt", "het budget veel lager vastgesteld", "minder uren"
    r"\b\d+(?:[.,]\d+)? (?:uur|uren)\b[^.?!]{0,60}\b(?:er|nog maar|maar) (?:\w+ )?\d+(?:[.,]\d+)?(?: van gemaakt| over| uur| uren)\b|"
    r"\b(?:uren|hulp|begeleiding|indicatie|pgb|budget|dagbesteding)\b[^.?!]{0,40}\b(?:lager|omlaag) (?:vastgesteld|gezet|bijgesteld)\b|"
    r"\bminder (?:uren|uur|hulp|begeleiding|budget) (?:gekregen|toegekend|dan)\b"
)


def read_facts(text: str, today: date, asked: str | None = None, step: str | None = None) -> dict[str, Any]:
    """Every fact the message states. ``asked`` is the question just asked: its answer is read more leniently."""
    facts: dict[str, Any] = {}
    if not text or not text.strip():
        return facts
    if asked:
        value = read_answer(asked, text, today, step)
        if value is not None:
            facts[asked] = value
    folded = _DOUBT.sub(" ", fold(text))  # "ik weet niet of hij een Wlz-indicatie heeft" states no law
    found_org = organisation(folded)
    if found_org == "zorgaanbieder" and _OBJECTED.search(folded):
        # a bezwaar is made against a decision of a body, never of the provider of the care ("bezwaar gemaakt tegen
        # het stoppen van de dagbesteding"): the organisation follows from the law, or is asked
        found_org = None
    if found_org and "organisation" not in facts:
        facts["organisation"] = found_org
    found_law = law(folded)
    if found_law and "law" not in facts:
        facts["law"] = found_law
    found_role = role(folded)
    if found_role and "role" not in facts:
        facts["role"] = found_role
    found_age = age_group(folded)
    if found_age and "age_group" not in facts:
        facts["age_group"] = found_age
    if "decision_date" not in facts and asked != "objection_decision_date":
        found = decision_date_in(text, today)
        if found:
            facts["decision_date"] = found.isoformat()
    if (
        "decision_date" not in facts
        and asked not in ("decision_date", "objection_decision_date")
        and len(folded) <= 30
        and re.fullmatch(r"[\w\- /.]+", folded)
    ):
        found = parse_date(folded, today=today)  # a bare date ("3 maart") is the date of the letter
        if found:
            facts["decision_date"] = found.isoformat()
    if "objection_decision_date" not in facts and _OBJECTION_DECISION_CONTEXT.search(folded):
        found = objection_decision_date_in(text, today)
        if found:
            facts["objection_decision_date"] = found.isoformat()
    if re.search(
        r"\bopgezegd\b|\bopzeg(?:ging|gen|t)\b|\b(?:thuis|wijk)?zorg (?:stopt|stop (?=per|op|vanaf|na|eind|over|\d)|beeindigd|beeindigen|stopzetten)\b|\bwil(?:len)? (?:de zorg )?"
        r"(?:stoppen|beeindigen)\b|\bmoet (?:hij|zij|ze) weg\b|\bmoet weg\b|\buit zorg\b|"
        # "zeggen ze de zorgovereenkomst op", "de zorg wordt over 2 maanden beeindigd"
        r"\bzeg(?:t|gen) (?:ze |zij |hij )?(?:de|het|haar|zijn|onze) (?:zorg|contract|zorgovereenkomst|overeenkomst)"
        r"(?: \w+)? op\b|\b(?:zorg|zorgovereenkomst|contract) (?:wordt|werd|is) (?:\w+ ){0,4}(?:beeindigd|stopgezet)\b|"
        # "de zorgovereenkomst per 1 februari wordt beëindigd", "we moeten dus per 1 februari weg"
        r"\b(?:zorgovereenkomst|contract|overeenkomst)\b[^.?!]{0,30}\b(?:wordt|werd|is|zal) (?:\w+ ){0,3}(?:beeindigd|stopgezet|opgezegd)\b|"
        r"\bmoet(?:en)? (?:hij|zij|ze|mijn \w+ )?(?:dus |echt |dan )?(?:voor|per|uiterlijk|op) [^.?!]{0,25}\b(?:weg|vertrekken|vertrokken zijn)\b|"
        r"\b(?:stoppen|beeindigen) (?:ze |zij )?(?:de|zijn|haar|mijn|onze) zorg\b|\bwillen (?:ze|zij) van (?:ons|hem|haar) af\b|"
        # "ze willen de zorg per 1 maart beëindigen"
        r"\b(?:wil|willen|gaan|gaat) (?:ze |zij |hij )?(?:de|zijn|haar|mijn|onze) (?:zorg|zorgovereenkomst|contract|begeleiding) "
        r"(?:per|op|vanaf|na|eind) (?:(?!\bniet\b)[^.?!]){0,20}?\b(?:beeindigen|stoppen|opzeggen|stopzetten)\b|"
        r"\b(?:weg|eruit) moet(?:en)?\b|\bmoet(?:en)? (?:\w+ )?eruit\b|\bwegsturen\b|\bweggestuurd\b|\bop straat (?:zetten|gezet)\b|"
        r"\bmoet(?:en)?\b[^.?!]{0,40}\b(?:het verpleeghuis|de instelling|de woonvorm|de groep) uit\b|\bniet (?:kan|mag) blijven\b|"
        r"\b(?:must|has to|have to|needs? to) (?:leave|move out)\b",
        _NOT_ENDED.sub(" ", folded),
    ):
        facts.setdefault("termination", True)
    if (
        re.search(r"\bbezwaar\w*\b|\bobjection\b", folded)
        and no_decision_yet(text)
        and (_OBJECTION_LATE.search(folded) or objection_overdue(text, today))
    ):
        facts.setdefault("objection_late", True)
    if _WLZ_GIVEN.search(folded) and _HELP_STOPPED.search(folded):
        facts["wlz_transition"] = True
        facts.setdefault("law", "wlz")
    if _INDICATION_UNKNOWN.search(fold(text)):  # before the doubt is taken out: the doubt is what it says
        facts.setdefault("indication_unknown", True)
    if _REFUSES_CARE.search(folded):
        facts.setdefault("refuses_care", True)
    if _SEARCH_FAILED.search(folded):
        facts.setdefault("search_failed", True)
    if _RULES_QUESTION.search(folded):
        facts.setdefault("rules_question", True)
    if _YOUTH_NOT_HEARD.search(folded):
        facts.setdefault("youth_not_heard", True)
    if _TEAM_DIVIDED.search(folded):
        facts.setdefault("team_divided", True)
    said_urgent = re.search(
        r"\bspoed\b|\bkan niet wachten\b|\bdringend\b|\bzo snel mogelijk\b|\bheel snel\b|\burgent\b", folded
    )
    if said_urgent or _CRISIS_ON_SITE.search(folded):
        facts.setdefault("urgent", True)
    unsafe_words = _NO_SAFETY_CONCERN.sub(" ", folded)
    if _SAFETY_CONCERN.search(unsafe_words):
        facts.setdefault("safety_concern", True)
    elif _NO_SAFETY_CONCERN.search(folded):
        facts.setdefault(
            "safety_concern", False
        )  # "er speelt geen overlast of politie": the PMM, not the Veiligheidshuis
    if DECISION_CONTENT.search(folded):
        facts.setdefault("about_decision", True)
    elif _ABOUT_TREATMENT.search(folded):
        facts.setdefault("about_decision", False)  # "het gaat me om hoe ik behandeld ben": a klacht, no bezwaar
    if re.search(r"\bgeen toestemming\b|\bwil niet dat\b[^.?!]{0,30}\bgedeeld\b|\bweigert toestemming\b", folded):
        facts.setdefault("consent", False)
    elif re.search(r"\b(?:heeft|hebben|geeft|geven|met) (?:wel )?toestemming\b", folded):
        facts.setdefault("consent", True)
    return facts


# --- situation (when there is no NLU, or it is unsure) ------------------------------------------------------
# The words that point to each situation live in lexicon/situations.yaml (weighted cues with examples).
SITUATION_LEXICON = Path(__file__).resolve().parent.parent / "lexicon" / "situations.yaml"


@dataclass(frozen=True)
class _Cue:
    pattern: re.Pattern[str]
    weight: int
    most: int


@dataclass(frozen=True)
class SituationLexicon:
    threshold: int
    cues: tuple[tuple[str, tuple[_Cue, ...]], ...]  # in the order of the file: a tie goes to the first
    actions: tuple[str, ...] = ()  # what the person wants to do: outranks a topic (weigh_situation)
    topics: tuple[str, ...] = ()  # the field it is in
    questions: tuple[str, ...] = ()  # topics that are a question: an action weighing less gives way to them

    def scores(self, text: str) -> dict[str, int]:
        """Per situation the sum of the weights of its cues found in ``text`` (0 left out)."""
        folded = fold(text)
        result: dict[str, int] = {}
        for situation, cues in self.cues:
            score = sum(c.weight * min(c.most, len(c.pattern.findall(folded))) for c in cues)
            if score:
                result[situation] = score
        return result

    def best(self, text: str) -> str | None:
        scores = self.scores(text)
        if not scores:
            return None
        top = max(scores.values())
        if top < self.threshold:
            return None
        return next(s for s, _ in self.cues if scores.get(s) == top)


def load_situation_lexicon(path: Path = SITUATION_LEXICON) -> SituationLexicon:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return SituationLexicon(
        threshold=int(raw["threshold"]),
        cues=tuple(
            (
                name,
                tuple(_Cue(re.compile(c["pattern"]), int(c["weight"]), int(c.get("max", 1))) for c in entry["cues"]),
            )
            for name, entry in raw["situations"].items()
        ),
        actions=tuple(raw.get("actions") or ()),
        topics=tuple(raw.get("topics") or ()),
        questions=tuple(raw.get("questions") or ()),
    )


SITUATIONS = load_situation_lexicon()
ACTION_SITUATIONS = SITUATIONS.actions  # what the person wants to do
TOPIC_SITUATIONS = SITUATIONS.topics  # the field it is in: gives way to an action
QUESTION_SITUATIONS = SITUATIONS.questions  # a question: gives way only to an action in as many words


def guess_situation(text: str) -> str | None:
    """The situation that the words suggest most (lexicon/situations.yaml), or None."""
    return SITUATIONS.best(text)


def weigh_situation(
    text: str, intent: str | None = None, confidence: float = 0.0, learned: bool = True, typed: str | None = None
) -> str | None:
    """What a message is about, from three readers together: the learned reader's chance per situation, plus the cue
    words' score (lexicon/situations.yaml; ``model.cue_weight`` per 3 points, at most 6 points), plus the NLU's
    confidence for the situation its intent names (``model.nlu_weight``). The best situation counts when one reader
    alone would take it: the learned reader at its threshold, the cues at theirs, or the NLU at
    ``model.nlu_alone``. None when no reader finds one. ``learned=False``: without the learned reader (a message with
    a danger sign: its words are read for the danger, not guessed at for a route). ``typed``: the message as typed, for the
    learned reader, when ``text`` is its gloss (``gloss``)."""
    settings = situation_model.settings()
    cues = SITUATIONS.scores(text)
    seen = text if typed is None else typed  # the learned reader learned messages as typed, English ones too
    chances = dict(situation_model.ranking(seen)) if learned and seen.strip() else {}
    candidates = set(cues) | {k for k, v in chances.items() if k != situation_model.NONE and v > 0.01}
    if intent:
        candidates.add(intent)

    def weight(name: str) -> float:
        nlu = settings["nlu_weight"] * confidence if name == intent else 0.0
        return chances.get(name, 0.0) + settings["cue_weight"] * min(cues.get(name, 0), 6) / 3 + nlu

    if not candidates:
        return None
    best = max(sorted(candidates), key=weight)
    # an action named outranks a topic ("ik wil bezwaar maken" about youth care), but not a question asked in more
    # words than the action ("wie is nu verantwoordelijk? ... de brief van het CIZ was van 28 oktober": the zorgplicht)
    least = max(SITUATIONS.threshold, cues.get(best, 0) if best in QUESTION_SITUATIONS else 0)
    named = [a for a in ACTION_SITUATIONS if cues.get(a, 0) >= least]
    if best in TOPIC_SITUATIONS and named:
        best = max(named, key=weight)
    alone = (
        chances.get(best, 0.0) >= settings["threshold"]
        or cues.get(best, 0) >= SITUATIONS.threshold
        or (best == intent and confidence >= settings["nlu_alone"])
    )
    return best if alone else None


# --- questions after the advice ------------------------------------------------------------------------------
FOLLOW_UP_LEXICON = Path(__file__).resolve().parent.parent / "lexicon" / "follow_up.yaml"


_Topics = tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]


def _load_topics(path: Path) -> _Topics:
    """The topics of a reading lexicon with `topics` (follow_up.yaml, moves.yaml), in the order of the file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple((topic, tuple(re.compile(p) for p in entry["patterns"])) for topic, entry in raw["topics"].items())


def _first_topic(topics: _Topics, folded: str) -> str | None:
    """The first topic with a pattern found in ``folded``."""
    return next((topic for topic, patterns in topics if any(p.search(folded) for p in patterns)), None)


FOLLOW_UPS = _load_topics(FOLLOW_UP_LEXICON)
MOVES_LEXICON = FOLLOW_UP_LEXICON.parent / "moves.yaml"
MOVES = _load_topics(MOVES_LEXICON)


ENGLISH_LEXICON = FOLLOW_UP_LEXICON.parent / "english.yaml"


def _load_glossary(path: Path) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, Dutch words) of lexicon/english.yaml or lexicon/shorthand.yaml, in the order of the file."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple((re.compile(p, re.IGNORECASE), str(t["nl"])) for t in raw["terms"] for p in t["patterns"])


SHORTHAND_LEXICON = FOLLOW_UP_LEXICON.parent / "shorthand.yaml"
GLOSSARY = _load_glossary(SHORTHAND_LEXICON) + _load_glossary(ENGLISH_LEXICON)


def gloss(text: str) -> str:
    """``text`` with professionals' shorthand (lexicon/shorthand.yaml) and the English words for steps, bodies, care
    and dates (lexicon/english.yaml) replaced by the
    Dutch words the reading patterns know: "we sent an objection to the municipality in June" is read as "we bezwaar
    gemaakt to the gemeente in juni". For reading facts and the situation only; danger signs are read as typed."""
    for pattern, dutch in GLOSSARY:
        text = pattern.sub(dutch, text)
    return text


def move_of(text: str) -> str | None:
    """A conversation move the whole message plainly is (lexicon/moves.yaml): "opnieuw_beginnen", or None."""
    return _first_topic(MOVES, fold(text).strip())


def follow_up_topics(text: str) -> list[str]:
    """Every topic a question after the advice asks about, in the order of the file ("hoe lang duurt zo'n beroep en
    wat kost het?": termijn and kosten)."""
    folded = fold(text)
    return [topic for topic, patterns in FOLLOW_UPS if any(p.search(folded) for p in patterns)]


def is_question(text: str) -> bool:
    """A question: a question mark anywhere ("kost dat geld? en wat zet ik erin"), or a question word at the start."""
    folded = fold(text)
    return "?" in folded or bool(
        re.match(
            r"(?:en |maar )?(?:wat|wie|waar|wanneer|hoe|waarom|welke|kan|kun|mag|moet|is|zijn|heb|heeft|"
            r"what|who|where|when|how|why|can|should|is)\b",
            folded,
        )
    )
