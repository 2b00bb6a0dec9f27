"""Signs of danger in free text: suicidality, violence at home, other acute danger.

``assess(text, intent, confidence)`` is called on EVERY user message, before anything else, so that a
misread intent can never hide a danger sign. It combines two signals:

(a) hand-written rules over normalised word tokens (see ``_normalise``): lower case, accents folded,
    repeated letters collapsed ("zelfmoord" and the typo "zelfmord" become the same token, "doooood"
    becomes "dod" like "dood"), chat spellings made standard ("nie", "t", "mn"), filler words dropped
    ("ik wil er GEWOON niet meer zijn"), misspelt key words read as the key word (edit distance 1, words of
    6+ letters: "vermisst", "mishandld"), punctuation kept as a boundary. Two kinds of rules:
    - sequences (``_RAW_PATTERNS``): a few token slots (exact words or word stems) with small bounded gaps;
    - co-occurrences (``_COOCCUR``): words that must all occur within one sentence part of <= 25 tokens,
      in any order ("ze krijgt thuis klappen", "de keuken staat vol rook").
    There is no regular expression with nested or unbounded quantifiers; the matching work is linear in the
    length of the text and repeated stretches are matched once (``tests/safety/test_backtracking.py``).
(b) the NLU intent ``acute_nood`` with confidence >= ``NLU_THRESHOLD`` (0.5, see there).

Negation never switches danger off when a danger sign is also present: each match is judged on its own,
and only a match that is itself denied ("er is geen gevaar", "niemand is in gevaar", "niet acuut") is
dropped. Gaps inside a pattern may not contain a negation ("ik wil niet dood" does not match "wil ~ dood").

Choices (documented, tested in tests/safety/):
- "ik zie het niet meer zitten" counts as a suicide sign, unless the sentence goes on about something
  mundane ("... met die papieren", "... dat de gemeente op tijd beslist"); "met mijn leven" stays a sign.
- "ik kan niet meer" / "ik kan het niet meer aan" alone is exhaustion, not danger (the NLU may still flag it);
  together with a sign ("ik kan niet meer, ik wil dood") the sign wins.
- Aggression towards care staff ("hij slaat zijn begeleiders", "agressief tegen medebewoners") and
  "hij slaat zichzelf" are problem behaviour (situation ``probleemgedrag``), not a crisis; hitting the
  speaker, a relative, a partner or children, threats, abuse and "huiselijk geweld" are violence.
- Mentioning 113, Veilig Thuis or 112 as something to call counts: the crisis text is then the answer.
- Self-harm ("zelfbeschadiging", "ze krast zichzelf") is kind ``suicide`` (the 113 text), also when it is
  described as problem behaviour in care; suicide beats violence beats acute when several match.
- A weapon (threatening with a knife, a gun, a bat) is ``acute`` (112 first); threats to hurt or kill
  someone at home are ``violence`` (112 first, then Veilig Thuis).
- An acute sign placed in the past in the same sentence ("er was vorig jaar brand", "hij dwaalde vroeger")
  is not acute now; past violence or suicidality still counts.
- Measured recall and false alarms, and how honest those numbers are: tests/safety/README.md.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

SUICIDE = "suicide"
VIOLENCE = "violence"
ACUTE = "acute"
KINDS = (SUICIDE, VIOLENCE, ACUTE)  # priority order when several kinds match
# Old name for the non-suicide kinds; kept so that old imports do not break. New code uses VIOLENCE / ACUTE.
DANGER = ACUTE

NLU_INTENT = "acute_nood"
# The NLU signal counts from 0.5 on. Reasons: the FallbackClassifier (config.yml) already turns every top
# intent below 0.45 into nlu_fallback, so 0.5 means "acute_nood is the clear winner" of ~25 intents; a higher
# bar (0.7+) would drop exactly the unusual phrasings where the NLU is the only signal (the rules catch the
# common ones alone, recall >= 0.95 on tests/nlu/danger_heldout.yml); a lower one would let an undecided
# prediction put a crisis text in front of an ordinary care question.
NLU_THRESHOLD = 0.5


@dataclass(frozen=True)
class Signal:
    kind: str  # "suicide", "violence" or "acute"
    evidence: str  # the words that matched (lower case, accents folded), or "intent:acute_nood (0.83)"


# --------------------------------------------------------------------------------------------- normalise

_BOUNDARY = "|"  # a sentence end (. ! ? line break); in the tokens also a comma, semicolon or colon
_SOFT = ","  # a comma, semicolon or colon in the words: the co-occurrence windows go on across it
_MAX_TOKEN = 40  # longer "words" (URLs, base64, keyboard mashing) are cut; no pattern needs more
_TOKEN_RE = re.compile(r"[a-z0-9]+|[.,;:!?\n]")  # single character classes, one quantifier: linear
_REPEAT_RE = re.compile(r"([a-z])\1+")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _collapse(word: str) -> str:
    """Repeated letters count once: zelfmoord = zelfmord, dooood = dood = dod, meer = mer."""
    return _REPEAT_RE.sub(r"\1", word)


def _words(text: str) -> list[str]:
    """Folded word tokens (not collapsed); punctuation and line breaks become one boundary word: _BOUNDARY for
    a sentence end, _SOFT for a comma, semicolon or colon."""
    folded = _fold(text).replace("'", "").replace("\u2019", "")  # 's nachts -> s nachts, m'n -> mn
    words: list[str] = []
    for match in _TOKEN_RE.finditer(folded):
        tok = match.group(0)
        if tok.isalnum():
            words.append(tok[:_MAX_TOKEN])
        else:
            mark = _SOFT if tok in ",;:" else _BOUNDARY
            if words and words[-1] in (_BOUNDARY, _SOFT):
                if mark == _BOUNDARY:
                    words[-1] = _BOUNDARY
            else:
                words.append(mark)
    return words


# Chat spellings the patterns need not know: they become the standard word (after collapsing).
_SPELLING = {
    "nie": "niet",
    "nit": "niet",
    "nt": "niet",
    "nix": "niets",
    "niks": "niets",
    "t": "het",
    "ut": "het",
    "dr": "er",
    "r": "er",
    "mn": "mijn",
    "zn": "zijn",
    "m": "hem",
    "gwn": "gewoon",
    "ff": "even",
    "doot": "dood",
    "levn": "leven",
    "lven": "leven",
    "wl": "wil",
    "k": "ik",
    "ikke": "ik",
    "brant": "brand",
    "brandt": "brandt",
    "dwaald": "dwaalt",
    "dwaalde": "dwaalde",
}
_SPELLING = {_collapse(k): _collapse(v) for k, v in _SPELLING.items()}


def _token(word: str) -> str:
    if word in (_BOUNDARY, _SOFT):
        return _BOUNDARY
    collapsed = _collapse(word)
    return _SPELLING.get(collapsed, collapsed)


# Words that carry no danger meaning and only sit between the words of a sign ("ik wil er GEWOON niet meer
# zijn", "hij slaat me WEL SOMS"): they are left out before matching.
_FILLERS = frozenset(
    _collapse(w)
    for w in (
        "gewoon",
        "gewoonweg",
        "echt",
        "eigenlijk",
        "even",
        "toch",
        "nou",
        "allemaal",
        "allebei",
        "serieus",
        "werkelijk",
        "heel",
        "nog",
        "al",
        "misschien",
        "wel",
        "eens",
        "weleens",
        "soms",
        "vaak",
        "zo",
        "steeds",
        "gwn",
        "ff",
        "fr",
        "hoor",
        "gewoontjes",
        "ook",
        "alweer",
        "weer",
        "bijna",
        "best",
    )
)

# Key words that are often misspelt: a token at edit distance 1 (a letter missing, extra, changed or two
# letters swapped) from one of these, with the same first letter and at least 6 letters, is read as it
# (shorter words have too many real neighbours: "dealt" is not "dwaalt").
_KEY_WORDS = tuple(
    _collapse(w)
    for w in (
        "zelfmoord",
        "zelfdoding",
        "suicide",
        "suicidaal",
        "mishandeld",
        "mishandelt",
        "mishandeling",
        "vermist",
        "verdwaald",
        "dwaalt",
        "bewusteloos",
        "aanspreekbaar",
        "levensgevaar",
        "gewelddadig",
        "bedreigd",
        "bedreigt",
        "geslagen",
        "verkracht",
        "overdosis",
        "afscheidsbrief",
        "ophangen",
        "huiselijk",
        "weggelopen",
        "zelfbeschadiging",
        "doodgaan",
        "vermoorden",
    )
)
# Compounds that only look like a sign ("een zelfmoordmissie voor mijn geduld").
_NOT_A_SIGN = frozenset(
    _collapse(w)
    for w in (
        "zelfmoordmissie",
        "zelfmoordactie",
        "zelfmoordcommando",
        "zelfmoordaanslag",
        "zelfmoordterrorist",
        "zelfmoordplan",
        "geweldig",
        "geweldige",
        "brandbrief",
        "brandweer",
        "brandmelder",
        "ambulancezorg",
    )
)


def _near(a: str, b: str) -> bool:
    """Edit distance <= 1 (with swaps), without building a table: linear in the word length."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :] or (a[i + 2 :] == b[i + 2 :] and a[i : i + 2] == b[i : i + 2][::-1])
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return longer[i + 1 :] == shorter[i:]


@lru_cache(maxsize=8192)
def _spell(token: str) -> str:
    if token in _NOT_A_SIGN:
        return "_" + token
    if len(token) >= 6:
        for key in _KEY_WORDS:
            if key[0] == token[0] and key != token and _near(token, key):
                return key
    return token


def _normalise(text: str) -> list[str]:
    """The tokens the patterns see: folded, collapsed, chat spelling made standard, and boundaries."""
    return [t for t, _ in _tokens(_words(text))]


def _tokens(words: Sequence[str]) -> list[tuple[str, int]]:
    """(token, index of its word) without fillers."""
    out = []
    for index, word in enumerate(words):
        token = _token(word)
        if token in _FILLERS:
            continue
        out.append((token if token == _BOUNDARY else _spell(token), index))
    return out


# --------------------------------------------------------------------------------------------- patterns
#
# Pattern language (one string per pattern, slots separated by spaces):
#   word        the exact token (after collapsing: write natural Dutch, "zelfmoord" is collapsed here)
#   stem*       any token that starts with stem
#   a|b*|c      alternatives
#   ~N          a gap of 0..N tokens (no boundary, no negation inside); ~N!a|b: and none of a, b
#   -pattern    (leading minus) a denial right before the match switches this pattern off
#   ?word       an optional slot
#   $           a boundary or the end of the text
#   !a|b        the next token must NOT be one of these (a one-token look-ahead; consumes nothing)

_NEGATORS = frozenset(_collapse(w) for w in ("geen", "niet", "niemand", "nooit", "niets", "nergens", "zonder"))

_ME = "me|mij|mijzelf|mezelf|ons|haar|hem|jou|je|u"
_FAMILY = (
    "moeder|vader|mama|papa|mam|pap|moeders|ma|pa|zoon|dochter|kind|kinderen|kids|zoontje|dochtertje|"
    "vrouw|man|partner|vriendin|vriend|broer|zus|zusje|broertje|oma|opa|moeder*|schoonmoeder|schoonvader|"
    "baby|ouders|kleinkind|kleinkinderen|client|clienten|bewoner|buurvrouw|buurman"
)
_HIT_VERBS = (
    "slaat|sloeg|sloegen|slaan|slaagt|schopt|schopte|schoppen|stompt|stompte|mishandelt|mishandelde|"
    "wurgt|wurgde|knijpt|kneep|duwt|duwde|trapt|trapte|bedreigt|bedreigde|bijt|beet|misbruikt|"
    "misbruikte|verkracht|verkrachtte|aanrandt|randde|terroriseert|intimideert|tuigt|takelt"
)
_HIT_PARTICIPLES = (
    "geslagen|geschopt|gestompt|mishandeld|gewurgd|geduwd|getrapt|bedreigd|misbruikt|verkracht|"
    "aangerand|toegetakeld|afgetuigd|in_elkaar_geslagen|geintimideerd|gebeten|gestoken"
)
_NOT_HIT_OBJECTS = "ogen|blik|armen|kans|slag|plank|alarm|deur|deuren|boek|brief|map|munt|vleugels|handen|weg|gat"
_PILLS = "pil|pillen|medicijnen|medicatie|tabletten|slaappillen|slaapmiddel*|paracetamol|oxazepam|temazepam|xanax"
_WANT = "wil|wilt|wou|wouden|willen|wilde|wilden"

_RAW_PATTERNS: Mapping[str, Sequence[str]] = {
    SUICIDE: (
        # the words themselves, with common typos (after collapsing: zelfmord, suicid, suisid ...)
        "zelfmoor*",
        "zelfmor*",
        "zelmo*",
        "zelmor*",
        "zefmo*",
        "zelf moord*",
        "zelfdod*",
        "zelf doding*",
        "selfmoord*",
        "zelfmort*",
        "suic*",
        "suis*",
        "suix*",
        "zuicid*",
        "sucid*",
        "suizid*",
        "kms",
        "unalive*",
        # wanting to be dead / not to live
        _WANT
        + " ~2!thuis|waardig|rustig|vredig|hier|daar|graag dood|sterven|doodgaan|overlijden|dood_gaan|dood_zijn !graag",
        "beter|liever ~4 ik|hij|ze dood ben|was|is|zou",
        "mijn|zijn|haar|het|eigen leven ~1 beeindigen|beindigen|beeindigt|te_beeindigen|nemen",
        "verdwijnen|slapen voor altijd",
        "voor altijd verdwijnen|slapen",
        "dood willen|wil|wilt",
        "doodgaan wil",
        "liever|beter|maar dood",
        "doodswens*",
        "doodsgedacht*",
        "gedachten aan ?de dood",
        "denk|denkt|dacht|denken aan de dood",
        "niet meer leven|bestaan",
        "niet langer leven|bestaan",
        "niet verder ~1 leven|willen_leven",
        "niet meer|langer verder|willen|wil|wilt|hoeven|hoef ~2 leven|bestaan",
        _WANT + " ~2 niet meer|langer ~1 leven|bestaan",
        _WANT + " ~1 niet meer verder $",
        "ik ~1 wil|wou niet meer $",
        _WANT + "|hoef|hoeft ~2 er|der|dr ~1 niet meer zijn",
        _WANT + " ~1 niet meer zijn $",
        "beter|liever ~4 er|der niet meer zijn|waren|was|ben|is",
        "er|der een eind|einde aan $",
        "maak|maakt|maken ~3 er een eind|einde aan",
        "zin ~3 om te leven",
        "geen zin ~2 leven",
        "zichzelf|mezelf|mijzelf|zich|me ~1 van kant",
        "strop*",
        "touw ~4 ophangen|hangen|zolder|balk|nek",
        "zichzelf|mezelf|mijzelf|zich|me ~3 verdrinken|verdrinkt|te_verdrinken|vergiftigen|doodrijden|doodvriezen|uithongeren|doodhongeren",
        "mezelf|zichzelf|mijzelf|me|zich ~2 pijn ~1 doen|doet|te_doen|gedaan|deed",
        "doe|doet|deed|gedaan ~1 mezelf|zichzelf|mijzelf|haarzelf|hemzelf ~1 pijn",
        "stoppen|stop|ophouden|kappen met ~1 leven|het_leven|mijn_leven|leven",
        "ermee|er_mee stoppen ~2 voorgoed|voor_altijd",
        "verdwijnen|slapen|rusten ~2 voorgoed|voor_altijd",
        "voorgoed|voor_altijd ~2 verdwijnen|slapen|rusten",
        _PILLS + " ~4 in een|1|eens keer|tegelijk",
        "in een|1 keer ~2 " + _PILLS,
        "hoop|hoopt ~3 doodga|doodgaan|dood|sterf|sterven|overlijd",
        "beter|liever ~4 er|der niet ~1 zijn|ben|was|waren|is",
        "liever ~2 sterft|sterf|sterven|doodgaan|doodga",
        "aan doodgaan|sterven|dood_gaan",
        "om ~1 dood te gaan",
        "om ~1 doodgaan|te_sterven",
        "mezelf|mijzelf|zichzelf|hemzelf|haarzelf ~2 doden|te_doden|vermoorden|te_vermoorden|om_het_leven_te_brengen",
        "spring|springen|springt|sprong ~3 van|vanaf|af|voor|uit het|de|een dak|flat|brug|balkon|raam|trein|metro",
        "er|der|dr niet meer " + _WANT + " ~1 zijn",
        _WANT + " ~2 niet meer wakker worden",
        _WANT + "|hoop ~2 nooit meer wakker",
        "klaar met ?het leven",
        "levensmoe*",
        "geen zin ?meer in ?het leven",
        "leven ~3 geen zin|zinloos",
        "geen reden ~2 om te leven",
        "zin in het leven kwijt",
        # ending it
        "eind|einde|end aan ~1 mijn|zijn|haar|het|je|zn|mn|m|n|t leven",
        "eind|einde aan ~2 maken|maak|maakt|maakte|te_maken",
        "van kant maken|gemaakt|te_maken",
        "van het leven ~1 beroven",
        "dood maken|doodmaken ~1 mezelf|mijzelf|zichzelf",
        "mezelf|mijzelf|zichzelf ~2 doodmaken|dood_maken|dood_te_maken",
        "zichzelf|mezelf|mijzelf|hemzelf|haarzelf|zich|zelf ~1 ?iets aan ~1 doen|doet|te_doen|deed|gedaan",
        "zichzelf|mezelf|mijzelf|hemzelf|haarzelf|zelf ~1 ?iets ~1 aandoen|aandoet|aandeed|aangedaan",
        "ik ~3 me|mij ~1 iets aandoen|aandoe|aan_doen|aan_te_doen|aangedaan",
        "ik ~3 mezelf|mijzelf|me killen|kill|vermoorden|doden|opknopen",
        "zichzelf|mezelf|mijzelf|zich|me ~3 ophangen|ophangt|op_te_hangen|opgehangen|opknopen|opknoopt|verhangen",
        "voor de|een trein|metro|tram|vrachtwagen ~1 springen|springt|gooien|gooit|lopen|werpen|sprong",
        "van|vanaf|op|af het|de|een dak|flat|brug|balkon ~3 springen|springt|spring|af",
        _WANT + "|dreigt|ga|gaat|gaan ~3 springen|te_springen|springt",
        "stemmen ~4 springen|dood|doden|sterven|vermoorden|pijn",
        "stemmen ~4 zeggen|zegt ~3 springen|dood|doden|sterven",
        "moet|moeten ~2 springen $",
        "afscheidsbrie*",
        "afscheidsber*",
        "afscheid ~2 genomen|nemen ~2 voor altijd",
        # pills, self-harm
        "hele|alle|volle|handvol|doosje|doos|strip|potje|pot|teveel ~2 "
        + _PILLS
        + " ~3 geslikt|ingenomen|genomen|slikken|slikt|innemen|opgespaard|gespaard|verzameld",
        "te veel ~1 " + _PILLS,
        "teveel ~1 " + _PILLS,
        "overdosis",
        "overdosering",
        _PILLS + " ~2 opgespaard|gespaard|verzameld",
        "snij*|sneed|kerf*|kras*|brandt ~1 zichzelf|mezelf|mijzelf|zich|me|zn|mn",
        "zichzelf|mezelf|mijzelf|zich ~1 snijden|snijdt|beschadigen|beschadigt|verwonden|krassen|gesneden|gekrast|beschadigd",
        "polsen|pols|aders ~2 doorsnijden|doorgesneden|snijden|gesneden|opengesneden|opensnijden|opengesneden",
        "gesneden|sneed|snij*|kras*|kerf*|gekrast ~3 pols|polsen|arm|armen|benen|been",
        "in mijn|haar|zijn|zn|mn arm|armen|benen ~1 gesneden|snijden|krassen|gekrast",
        "zelfbeschadig*",
        "zelfverwond*",
        "automutil*",
        # "ik zie het niet meer zitten" (see module doc), no way out
        "zie|ziet|zag ~1 het|t|alles ~1 niet meer zitten !met|dat|of|om|qua|wat|hoe|zo|in",
        "zie|ziet|zag ~1 het|t|alles ~1 niet meer zitten met|qua|in het|mijn|m|mn|t leven|mezelf",
        "zie|ziet|zag ~1 het leven ~1 niet meer zitten",
        "leven ~1 niet meer ~1 zitten",
        "het|t niet meer zie|ziet|zag|zien zitten !met|dat|of|om|qua|wat|hoe|zo|in",
        "leven zat|moe|beu|spuugzat|kotsbeu",
        "zie|ziet|zag ~1 het|t|alles ~1 niet meer zitten met|in alles",
        "zie|ziet|zag ~1 geen uitweg|toekomst|uitkomst ~1 meer",
        "geen uitweg meer",
        "uitzichtloos",
        "113 ~2 bellen|gebeld|bel|belt",
        "bel|bellen|gebeld ~2 113",
    ),
    VIOLENCE: (
        "huiselijk|huislijk geweld",
        "-geweld",
        "-gewelddadig*",
        "-thuis ~3 onveilig",
        "thuis|huis ~3 niet veilig",
        "mishandel*",
        "kindermishandel*",
        "ouderenmishandel*",
        "seksueel|sexueel misbruik*",
        "misbruikt|misbruik ~2 " + _ME,
        "verkracht*",
        "aangerand*",
        "incest*",
        "haar|hem|me|mij|ons ~1 " + _HIT_VERBS,
        "gewurgd|wurgt|wurgde|gewurgt",
        "geschopt",
        "gestompt",
        "afgetuigd",
        "toegetakeld",
        "keel ~3 dichtgeknepen|dichtknijpen|dichtgeknepen|gegrepen|dicht|dichtdrukken",
        "me|mij|ons|haar|hem|jou|u ~1 dood_te_maken|doodmaken|doodslaan|vermoorden|te_vermoorden",
        "sluit|sloot ~2 me|mij|haar|hem|ons ~3 op",
        _HIT_VERBS + " ~1 " + _ME + " !" + _NOT_HIT_OBJECTS,
        _HIT_VERBS + " ~1 mijn|mn|m|onze|ons|zijn|zn|haar|de|het|z " + _FAMILY,
        "word|wordt|werd|worden|werden|ben|is|zijn|heeft|hebben|heb|had ~3 " + _HIT_PARTICIPLES,
        _ME + " ~3 geslagen|geschopt|gestompt|mishandeld|gewurgd|getrapt|bedreigd|aangerand|afgetuigd|toegetakeld",
        "bedreig*",
        "dreig*|gedreigd ~3 slaan|vermoorden|doden|doodmaken|dood_te_maken|iets_aan_te_doen|kapot_te_maken",
        "vermoord*",
        "dood maken|slaan|steken|schieten",
        "doodmaken",
        "doodslaan",
        "doodsteken",
        "ombrengen",
        "maak|maakt ~2 je|jou|jullie|u|haar|hem|me ~1 dood",
        "hand ~2 opgeheven|opheft|opheffen|opgeheven",
        "bang voor ~1 mijn|mn|m|haar|zijn|zn|onze ~1 man|partner|vriend|vader|zoon|ex|broer|vrouw|vriendin|moeder",
        "ik|we|wij|ben|zijn ~2 bang voor hem|haar",
        "bang dat hij|ze|zij ~4 iets|pijn ~1 aandoet|aandoen|doet|aan_doet",
        "hij|ze|zij ~3 me|mij|ons|haar|kinderen ~1 iets|pijn ~1 aandoet|aandoen|aandeed|aan_doet|gaat_doen|doet",
        "durf|durft|durven ~2 niet ~2 naar|meer huis|thuis|binnen",
        "-niet veilig ~2 thuis|huis",
        "voel|voelt|voelen ~2 niet veilig",
        "voel|voelt|voelen ~2 onveilig",
        "-onveilig ~2 thuis|huis|thuissituatie|woonsituatie",
        "-onveilige thuis*|woonsituatie|thuissituatie|situatie|relatie",
        "bel|bellen|gebeld|melding|melden|gemeld|contact ~3 veilig thuis",
        "veilig thuis ~2 bellen|gebeld|melden|melding|ingeschakeld|inschakelen|betrokken|gemeld|bel",
        "krijg|krijgt|kreeg|kregen|geeft|gaf|geven|gehad ~2 klappen|klap|slaag|pak_slaag|mep|meppen|trappen|schoppen|stompen|vuistslag",
        _ME + " ~3 opgesloten|opsluit|opsluiten",
        "intimid*",
        "klappen ~2 van ~1 " + _FAMILY + "|hem|haar|mijn|mn",
        "stalk*",
        "eerwraak",
        "loverboy*",
        "uitgebuit",
        "uitbuiting",
        "gedwongen ~3 seks",
        "opgesloten ~3 thuis|kamer|huis|door",
        _FAMILY + " ~1 pijn ~1 gedaan|doet|deed|doen|gedaan_heeft",
        "hardhandig* ~3 " + _HIT_VERBS + "|vastpakte|vastgepakt|vastpakt|beetpakte",
        "vastpakte|vastgepakt|beetpakte ~2 en ~1 " + _HIT_VERBS,
        "met een|de ~2 stoel|stok|mes|riem|schaar|hamer|fles|honkbalknuppel ~3 geslagen|bedreigd|gestoken|gegooid|aangevallen",
    ),
    ACUTE: (
        "in gevaar",
        "in levensgevaar",
        "acuut|acute|direct|directe|groot|ernstig ~1 gevaar",
        "levensgevaar*",
        "gevaar voor zichzelf|anderen|mezelf|leven",
        "gevaar voor zijn|haar|mijn|eigen leven",
        "gevaarlijke situatie",
        "acuut|acute ~1 nood|noodsituatie|situatie|crisis|hulp",
        "is acuut",
        "noodgeval*",
        "noodsituatie",
        "levensbedreig*",
        "psychische crisis",
        "in crisis $",
        "brand",
        "in de fik",
        "fik gestoken",
        "brandje",
        "rookmelder ~2 af|ging",
        "gaspit|gaskraan|gas|fornuis|kookplaat|pan ~3 open|vergeten|laten_branden|aan_laten|laten_staan|lekt|aan_gelaten",
        "ruikt naar gas",
        "gaslucht",
        "gaslek",
        "gas|gaspit|gaskraan ~3 openstaan|open_staan|aanstaan|open_laten_staan|laten_openstaan",
        "slaapt|slapen|sliep|sliepen ~2 buiten|op_straat|in_het_park",
        "het vriest",
        "vriest ~3 buiten",
        "verward*|dement*|in_de_war ~4 zonder jas|schoenen",
        "in de war ~4 buiten|straat|vriest|zonder_jas",
        "vermist* !geweest",
        "spoorloos",
        "onvindbaar",
        "weet|wist|weten ~1 niet ~2 waar hij|ze|zij ~1 is|woont|was|zit",
        "nacht|nachts|snachts|donker ~4 buiten|straat|snelweg",
        "buiten|straat ~4 nacht|nachts|snachts|donker",
        "stond|staat|stonden|loopt|liep ~4 water|dijk|kanaal|sloot|gracht|rivier|ijs|spoor|snelweg|rails",
        "rook ~3 huis|keuken|kamer|woning|flat|gang|uit|overal|trappenhuis",
        "brandlucht",
        "ruikt|rook naar rook|brand|gas|schroei",
        "waterkoker|elektrische|plastic ~3 gasfornuis|fornuis|kookplaat|vuur",
        "kaars|kaarsen|oven|strijkijzer|frituurpan|friteuse ~3 vergeten|laten_branden|aan_laten|laten_staan|aan_gelaten",
        "hij|ze|zij|" + _FAMILY + " ~1 reageert|reageerde|ademt|ademde niet|nauwelijks !op|daarom",
        "vermist geweest ~2 nog|nu niet|nog_niet",
        "weggelopen",
        "weg gelopen",
        "weggeraakt",
        "verdwaald",
        "niet thuisgekomen|teruggekomen",
        "niet thuis gekomen",
        "zoek geraakt",
        "hij|ze|zij is ~1 zoek $",
        _FAMILY + " is ~1 zoek $",
        "uren|dagen|nachten zoek|weg|kwijt|vermist",
        "vinden hem|haar niet|nergens",
        "hij|ze|zij|" + _FAMILY + " ~4 verdwenen",
        "kan|kunnen ~1 hem|haar|mijn|mn|onze ~1 vader|moeder|man|vrouw|zoon|dochter|opa|oma ~2 niet vinden",
        "kan|kunnen hem|haar nergens|niet vinden",
        "dwaalt|dwalen|zwerft|zwerven|ronddwalen|rondzwerven|ronddoolt|doolt",
        "dwaalde|zwierf|dwaalden ~4 snachts|nachts|straat|buiten|weg|kwijt",
        "loopt|liep|lopen ~4 snachts|snelweg|spoor|spoorbaan|spoorlijn|rails|ijs",
        "snachts|nachts ~3 op|over|langs|de|in ~1 straat|weg|buiten",
        "op straat gevonden",
        "op de snelweg|spoorbaan|spoorlijn|rails",
        "midden op de weg|snelweg",
        "niet aanspreekbaar",
        "niet meer aanspreekbaar",
        "bewusteloos",
        "buiten bewustzijn",
        "ademt|ademde ~2 niet|nauwelijks|bijna|raar|vreemd|moeilijk|zwaar|heel_snel|piepend",
        "in elkaar gezakt|gezakt",
        "flauwgevallen",
        "smeul*",
        "brandende sigaret|kaars|pan|peuk",
        "weg naar|terug ~1 huis ~2 niet meer|kwijt",
        "niemand weet|weten ~1 waar hij|ze|zij ~1 is|zit|uithangt|gebleven",
        "staat|stond|klimt|klom|zit ~2 op het|de dak|reling|rand|vensterbank|brugleuning",
        "krijgt|kreeg|krijg ~1 geen lucht",
        "hartaanval|hartstilstand|beroerte|herseninfarct !gehad",
        "reanim*",
        "epileptische aanval",
        "stikt",
        "stikken",
        "bloedt ~2 heel|erg|hevig|veel|enorm|flink",
        "veel bloed",
        "bloedt",
        "gevallen ~4 reageert|bewusteloos|ligt|bloedt|opstaan",
        "gevallen ~3 niet|nergens ~2 opstaan|reageert|reageren|overeind",
        "reageert niet meer $",
        "reageert nergens meer op",
        "ligt|lag ~3 op de|het grond|vloer|stoep",
        "wordt|werd ~1 niet meer wakker",
        "wordt|werd niet wakker",
        "mes|messen|wapen|pistool|bijl|vuurwapen ~3 dreigt|zwaait|bedreigt|staat|rondloopt",
        "met een|het|zijn|haar ~1 mes|messen !en|eten|snijden|vasthouden|smeren|vork|nodig|aangepast",
        "met een|het|zijn|haar ~1 wapen|pistool|bijl|vuurwapen|geweer|knuppel*|honkbalknuppel|machete|hamer|schaar !nodig|knippen",
        "zwaait|zwaaide|dreigt|dreigde ~4 mes|messen|wapen|pistool|bijl|vuurwapen|geweer|knuppel*|honkbalknuppel|machete|hamer|schaar",
        "richting|naar|over|langs het|de spoor|snelweg|rails|spoorlijn|spoorbaan",
        "heeft|had|pakt|pakte|pakken|gepakt ~2 een|het|zijn|haar|de ~1 mes !en|vast|nodig",
        "heeft|had|pakt|pakte|pakken|gepakt ~2 een|het|zijn|haar|de ~1 wapen|pistool|bijl|vuurwapen|geweer !nodig",
        "dreig*|gedreigd ~3 mes|messen|wapen|pistool|bijl|vuurwapen|geweer|schaar|hamer",
        "112 ~2 bellen|gebeld|bel|belt",
        "bel|bellen|gebeld ~2 112",
        "ambulance ~3 gebeld|bellen|nodig|komt|onderweg",
        "bel|bellen|gebeld ~2 ambulance",
        "politie ~2 gebeld|bellen|nodig|erbij|komen",
        "bel|bellen|gebeld ~2 de politie",
        "doorgedraaid",
        "buiten zinnen",
        "slaat|sloeg ~2 alles kapot",
        "sloopt ~2 huis|kamer|alles",
        "-verward ~4 straat|buiten|weg|snachts|nachts|kou|gevaar|snelweg",
        "-in de war ~4 straat|buiten|weg|snachts|nachts|kou|donker|snelweg",
        "direct|meteen|onmiddellijk hulp nodig",
        "onderkoeld",
        "zonder jas ~3 buiten|weg|vriest|kou",
        "help ~1 nu $",
        "help help",
        "hulp nodig nu $",
    ),
}

# Co-occurrence rules: every slot must match some word of the same sentence part (a window of at most
# _WINDOW tokens between boundaries), in any order. They catch word orders the sequences above do not
# ("thuis klappen krijgt", "de keuken staat vol rook"). No negation switches them off.
_REFLEXIVE = "mezelf|zichzelf|mijzelf|hemzelf|haarzelf"
_COOCCUR: Mapping[str, Sequence[Sequence[str]]] = {
    SUICIDE: (
        (
            _REFLEXIVE,
            "snij*|sneed|gesneden|kras*|gekrast|kerf*|gekerfd|ophang*|opgehangen|verhang*|verdrink*|"
            "vergiftig*|beschadig*|verwond*|vermoord*|kill*|doden|opknop*|verzuip*|verzopen",
        ),
        ("liever|beter", "sterft|sterf|sterven|doodga|doodgaan|overlijden"),
        ("ik|wil|wou", "ophouden|verdwijnen|kappen", "altijd|voorgoed"),
        ("pols|polsen|aders", "snij*|sneed|gesneden|opengesneden|doorgesneden|open"),
        ("denk|denkt|dacht|denken|gedachten|praat|praten|overweeg*", "doodgaan|sterven|zelfdod*|zelfmoor*"),
    ),
    VIOLENCE: (
        (
            "klappen|klap|slaag|mep|meppen|schoppen|trappen|stompen|vuistslagen",
            "krijg|krijgt|kreeg|kregen|gehad|geeft|gaf|uitdelen",
        ),
        ("dreig*|gedreigd|gedreig*", "iets|pijn", "aan|aandoen|aandoet|doen"),
        ("dreig*|gedreigd|gedreig*", "vermoord*|doodmaken|doodslaan|afmaken|doden|slaan"),
        ("ik|we|wij|ons|kinderen", "angst|bang", "geslagen|mishandeld|geschopt|bedreigd|klappen|mishandelt"),
        ("wordt|worden|werd|werden|word", "geslagen|mishandeld|misbruikt|geschopt|gestompt|verkracht"),
    ),
    ACUTE: (
        ("rook|vlammen|vuur", "keuken|huis|kamer|woning|flat|gang|overal|vol|trappenhuis"),
        (
            "ligt|lag|gevallen|gevonden|liggen",
            "vloer|grond|badkamer|trap|stoep",
            "antwoord|reageer*|beweegt|bewegen|aanspreekbaar|wakker|opstaan",
        ),
        ("psychose|psychotisch|verward|dementie|alzheimer", "spoor|snelweg|rails|spoorlijn|water|mes|gracht|kanaal"),
    ),
}
_WINDOW = 25

# Words that make a following/preceding danger word a mere denial ("er is geen gevaar", "niet acuut").
# Only ACUTE-type signs can be denied; a suicide or violence sign is never switched off by a negation.
_DENIABLE = {ACUTE}


@dataclass(frozen=True)
class _Slot:
    exact: frozenset[str]
    prefixes: tuple[str, ...]
    optional: bool = False
    gap: int = 0  # a gap slot: 0..gap arbitrary tokens (none of ``exact`` for a gap)
    boundary: bool = False
    negative: bool = False  # look-ahead: next token must not match

    def matches(self, token: str) -> bool:
        return token in self.exact or any(token.startswith(p) for p in self.prefixes)


def _atoms(spec: str) -> tuple[frozenset[str], tuple[str, ...]]:
    exact, prefixes = set(), []
    for alt in spec.split("|"):
        if alt.endswith("*"):
            prefixes.append(_collapse(alt[:-1]))
        else:
            exact.add(_collapse(alt))
    return frozenset(exact), tuple(prefixes)


def _compile(pattern: str) -> tuple[_Slot, ...]:
    slots: list[_Slot] = []
    for part in pattern.split(" "):
        if part.startswith("~"):
            size, _, forbidden = part[1:].partition("!")
            slots.append(_Slot(_atoms(forbidden)[0] if forbidden else frozenset(), (), gap=int(size)))
        elif part == "$":
            slots.append(_Slot(frozenset(), (), boundary=True))
        elif part.startswith("!"):
            exact, prefixes = _atoms(part[1:])
            slots.append(_Slot(exact, prefixes, negative=True))
        elif part.startswith("?"):
            exact, prefixes = _atoms(part[1:])
            slots.append(_Slot(exact, prefixes, optional=True))
        else:
            slots.append(_Slot(*_atoms(part)))
    return tuple(slots)


def _expand(pattern: str) -> list[str]:
    """An alternative written with "_" is a phrase ("te_maken", "in_elkaar_geslagen"): spell the pattern out
    once per phrase alternative (and once for the one-word alternatives of that slot)."""
    parts = pattern.split(" ")
    for index, part in enumerate(parts):
        marker = part[0] if part[:1] in "?!" else ""
        alts = part[len(marker) :].split("|")
        phrases = [a for a in alts if "_" in a]
        if not phrases or part.startswith("~") or part == "$":
            continue
        words = [a for a in alts if "_" not in a]
        variants = [" ".join([*parts[:index], marker + "|".join(words), *parts[index + 1 :]])] if words else []
        variants += [
            " ".join(parts[:index] + [marker + w for w in ph.split("_")] + parts[index + 1 :]) for ph in phrases
        ]
        return [v for variant in variants for v in _expand(variant)]
    return [pattern]


def _compile_all() -> tuple[tuple[str, bool, tuple[_Slot, ...]], ...]:
    out = []
    for kind in KINDS:
        for raw in _RAW_PATTERNS[kind]:
            deniable = kind in _DENIABLE or raw.startswith("-")
            for pattern in _expand(raw.lstrip("-")):
                slots = _compile(pattern)
                first = slots[0]
                if first.gap or first.boundary or first.optional or first.negative:
                    raise ValueError(f"pattern must start with a word slot: {raw!r}")
                if any(s.gap > 4 for s in slots):
                    raise ValueError(f"gap too long: {raw!r}")
                out.append((kind, deniable, slots))
    return tuple(out)


_PATTERNS = _compile_all()
# How many tokens a pattern can look at from its start: one per slot, plus its gaps.
_SPANS = tuple(sum(1 + slot.gap for slot in slots) for _, _, slots in _PATTERNS)
_BY_WORD: dict[str, list[int]] = {}
_BY_PREFIX: list[tuple[str, int]] = []
for _index, (_kind, _deniable, _slots) in enumerate(_PATTERNS):
    for _word in _slots[0].exact:
        _BY_WORD.setdefault(_word, []).append(_index)
    _BY_PREFIX += [(_prefix, _index) for _prefix in _slots[0].prefixes]


@lru_cache(maxsize=4096)
def _candidates(token: str) -> tuple[int, ...]:
    """The patterns whose first slot matches ``token`` (cached per distinct token)."""
    hits = set(_BY_WORD.get(token, ()))
    hits.update(index for prefix, index in _BY_PREFIX if token.startswith(prefix))
    return tuple(sorted(hits))


def _match_at(slots: Sequence[_Slot], tokens: Sequence[str], i: int, start: int) -> int | None:
    """End index of a match of ``slots`` at tokens[i], or None. Gaps are bounded (<= 4 in the patterns),
    so the work per start position is bounded by a constant."""
    if not slots:
        return i
    slot, rest = slots[0], slots[1:]
    n = len(tokens)
    if slot.gap:
        for skip in range(slot.gap + 1):
            if skip and (
                i + skip - 1 >= n
                or tokens[i + skip - 1] == _BOUNDARY
                or tokens[i + skip - 1] in _NEGATORS
                or tokens[i + skip - 1] in slot.exact
            ):
                break
            end = _match_at(rest, tokens, i + skip, start)
            if end is not None:
                return end
        return None
    if slot.boundary:
        if i >= n:
            return i
        return _match_at(rest, tokens, i + 1, start) if tokens[i] == _BOUNDARY else None
    if slot.negative:
        if i < n and slot.matches(tokens[i]):
            return None
        return _match_at(rest, tokens, i, start)
    if i < n and slot.matches(tokens[i]):
        end = _match_at(rest, tokens, i + 1, start)
        if end is not None:
            return end
    if slot.optional:
        return _match_at(rest, tokens, i, start)
    return None


_DENIAL_FILLERS = frozenset(
    _collapse(w)
    for w in (
        "is",
        "er",
        "sprake",
        "van",
        "echt",
        "meer",
        "direct",
        "acuut",
        "zeker",
        "helemaal",
        "nu",
        "op",
        "dit",
        "moment",
        "het",
        "in",
    )
)


def _denied(tokens: Sequence[str], start: int) -> bool:
    """A negation right before the match, with at most three filler words between: "geen (acuut) gevaar",
    "niemand is in gevaar", "niet in gevaar", "geen sprake van geweld". "ik weet niet of ze in gevaar is" is
    no denial ("of" is no filler)."""
    for j in range(start - 1, max(start - 5, -1), -1):
        if tokens[j] in _NEGATORS:
            return True
        if tokens[j] not in _DENIAL_FILLERS:
            return False
    return False


_PAST = frozenset(_collapse(w) for w in ("vroeger", "destijds", "vorig", "vorige", "verleden", "ooit", "geleden"))
_NOW = frozenset(
    _collapse(w)
    for w in ("sinds", "vannacht", "vandaag", "vanavond", "vanochtend", "net", "zojuist", "moment", "alweer", "weer")
)
_PAST_WINDOW = 12


def _in_the_past(tokens: Sequence[str], start: int) -> bool:
    """An acute sign in a sentence that places it in the past ("er was vorig jaar brand", "hij heeft vroeger
    een beroerte gehad"): the danger is not now. Only for acute signs; past violence or suicidality counts."""
    past = False
    for step in (-1, 1):
        j = start
        while 0 <= j < len(tokens) and tokens[j] != _BOUNDARY and abs(j - start) <= _PAST_WINDOW:
            if tokens[j] in _NOW:
                return False
            past = past or tokens[j] in _PAST
            j += step
    return past


_CO_RULES = tuple((kind, tuple(_Slot(*_atoms(spec)) for spec in rule)) for kind in KINDS for rule in _COOCCUR[kind])


@lru_cache(maxsize=8192)
def _co_slots(token: str) -> tuple[tuple[int, int], ...]:
    """(rule, slot) pairs of the co-occurrence rules that ``token`` satisfies (cached per distinct token)."""
    return tuple(
        (r, k) for r, (_, slots) in enumerate(_CO_RULES) for k, slot in enumerate(slots) if slot.matches(token)
    )


def _co_matches(tokens: Sequence[str], words: Sequence[str], spans: Sequence[int]) -> Iterable[tuple[str, str]]:
    """(kind, evidence) for co-occurrence rules, per window of _WINDOW tokens inside a sentence. Windows start
    every _WINDOW // 2 tokens, so two words at most _WINDOW // 2 apart always share one; the work is linear."""
    done: set[int] = set()
    step = _WINDOW // 2
    start = 0
    n = len(tokens)
    while start < n:
        end = start
        hits: dict[int, dict[int, int]] = {}
        while end < n and end - start < _WINDOW and words[spans[end]] != _BOUNDARY:
            for r, k in () if tokens[end] == _BOUNDARY else _co_slots(tokens[end]):
                hits.setdefault(r, {}).setdefault(k, end)
            end += 1
        for r, found in hits.items():
            kind, slots = _CO_RULES[r]
            if r in done or len(found) < len(slots):
                continue
            first = min(found.values())
            if kind == ACUTE and _in_the_past(tokens, first):
                continue
            done.add(r)
            yield kind, " ".join(words[spans[j]] for j in sorted(found.values()))
        if end < n and words[spans[end]] == _BOUNDARY:
            start = end + 1
        else:
            start = start + step if end - start >= _WINDOW else end
    return


def _matches(tokens: Sequence[str], words: Sequence[str], spans: Sequence[int]) -> Iterable[tuple[str, str]]:
    """(kind, evidence) for every pattern that matches somewhere (its first match only)."""
    done: set[int] = set()
    # A pattern's result at i depends only on the tokens it can reach (its span), so a repeated stretch of
    # text ("ik|ik|ik|..." or a pasted story twice) is matched once: hostile repetition costs a dict lookup.
    memo: dict[tuple[int, tuple[str, ...]], int | None] = {}
    for i, tok in enumerate(tokens):
        if tok == _BOUNDARY:
            continue
        for index in _candidates(tok):
            if index in done:
                continue
            kind, deniable, slots = _PATTERNS[index]
            key = (index, tuple(tokens[i : i + _SPANS[index]]))
            if key in memo:
                rel = memo[key]
            else:
                found_end = _match_at(slots, tokens, i, i)
                rel = memo[key] = None if found_end is None else found_end - i
            end = None if rel is None else i + rel
            if end is None or (deniable and _denied(tokens, i)) or (kind == ACUTE and _in_the_past(tokens, i)):
                continue
            done.add(index)
            last = spans[end - 1] if end > i else spans[i]
            yield kind, " ".join(w for w in words[spans[i] : last + 1] if w not in (_BOUNDARY, _SOFT))


def rule_signal(text: str | None) -> Signal | None:
    """The rule part alone (no NLU): the highest-priority kind that matches, with its evidence."""
    if not text:
        return None
    words = _words(text)
    pairs = _tokens(words)
    tokens = [t for t, _ in pairs]
    spans = [i for _, i in pairs]
    found: dict[str, str] = {}
    for kind, evidence in itertools.chain(_matches(tokens, words, spans), _co_matches(tokens, words, spans)):
        found.setdefault(kind, evidence)
        if kind == SUICIDE:
            break  # highest priority; no need to look further
    for kind in KINDS:
        if kind in found:
            return Signal(kind, found[kind])
    return None


def assess(text: str | None, intent: str | None = None, confidence: float | None = None) -> Signal | None:
    """A danger sign in ``text`` (rules), else the NLU intent ``acute_nood`` at >= NLU_THRESHOLD, else None.

    The rules decide the kind; the NLU alone gives kind "acute" (the crisis text then also names 113)."""
    signal = rule_signal(text)
    if signal:
        return signal
    if intent == NLU_INTENT and (confidence is None or confidence >= NLU_THRESHOLD):
        conf = "" if confidence is None else f" ({confidence:.2f})"
        return Signal(ACUTE, f"intent:{NLU_INTENT}{conf}")
    return None


def detect(text: str | None) -> str | None:
    """Old interface: the kind of danger in ``text`` ("suicide", "violence", "acute") or None."""
    signal = rule_signal(text)
    return signal.kind if signal else None


def evaluate(
    pairs: Iterable[tuple[str, str | None]], nlu: Callable[[str], tuple[str | None, float | None]] | None = None
) -> dict:
    """Score the detector on (text, expected kind or None) pairs: recall on the positives (any kind counts as
    found), false-alarm rate on the negatives, the counts, and how often the kind was right.

    Without ``nlu`` this is the rule part alone. With ``nlu`` (text -> (intent, confidence), e.g. a parsed
    Rasa model) it scores ``assess`` as the dialogue calls it, rules plus the NLU signal."""
    n_pos = n_neg = found = false_alarms = kind_right = 0
    for text, expected in pairs:
        got = assess(text, *nlu(text)) if nlu else rule_signal(text)
        if expected:
            n_pos += 1
            if got:
                found += 1
                kind_right += got.kind == expected
        else:
            n_neg += 1
            false_alarms += got is not None
    return {
        "recall": found / n_pos if n_pos else 0.0,
        "false_alarm_rate": false_alarms / n_neg if n_neg else 0.0,
        "n_pos": n_pos,
        "n_neg": n_neg,
        "kind_accuracy": kind_right / found if found else 0.0,
    }
