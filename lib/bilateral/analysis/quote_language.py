"""The language of a quote that is not in English, so a reader is told, never left with an untranslated line.

Quotes are stored verbatim in the language of their page. No source in the shipped data gives a translation, and
the workbench never makes one up: a non-English quote is shown as it is with "original in Russian" (or Chinese,
German, ...). A translation would be marked as a translation only where a source gives one.

The language is read from the script (Cyrillic, Chinese characters, Vietnamese letters) and, for other Latin-script
quotes, from common function words; where the words do not single out one language the note says "original not in
English" rather than guess. Pure functions; no I/O.
"""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_NON_RUSSIAN_CYRILLIC = re.compile(r"[іїєґўәғқңөұүһ]", re.IGNORECASE)  # Ukrainian, Belarusian, Kazakh, Kyrgyz letters
_HAN = re.compile(r"[\u4E00-\u9FFF]")
_KANA = re.compile(r"[\u3040-\u30FF]")
_HANGUL = re.compile(r"[\uAC00-\uD7AF]")
_VIETNAMESE = re.compile(r"[ăơưđạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
_WORD = re.compile(r"[a-zà-ÿ]+", re.IGNORECASE)
# Function words frequent in one language and absent (or rare) in English and the others listed.
_FUNCTION_WORDS = {
    "German": {"der", "die", "das", "und", "im", "ist", "mit", "von", "zwischen", "den", "auf", "einen", "erstmals"},
    "Portuguese": {"em", "entre", "uma", "com", "os", "das", "dos", "não", "atingindo", "registrou", "foi"},
    "Spanish": {"el", "los", "las", "entre", "según", "del", "y", "una", "fue", "ascendió", "unos", "en", "un"},
    "Italian": {"il", "tra", "della", "nel", "è", "degli", "raggiungendo", "aumentato", "gli"},
    "French": {"le", "les", "des", "et", "est", "entre", "une", "dans", "du"},
}
_ENGLISH = {"the", "and", "of", "to", "in", "was", "with", "by", "for", "from", "that", "trade", "billion", "has"}


def language_of(text: str | None) -> str | None:
    """'Russian', 'Chinese', 'German', ... for a quote not in English; None for English (or no text)."""
    if not text:
        return None
    if _CYRILLIC.search(text):
        return "a Cyrillic-script language" if _NON_RUSSIAN_CYRILLIC.search(text) else "Russian"
    if _KANA.search(text):
        return "Japanese"
    if _HANGUL.search(text):
        return "Korean"
    if _HAN.search(text):
        return "Chinese"
    if _VIETNAMESE.search(text):
        return "Vietnamese"
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(w in _ENGLISH for w in words)
    scores = {lang: sum(w in vocabulary for w in words) for lang, vocabulary in _FUNCTION_WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] <= english:
        return None
    runner_up = max(v for lang, v in scores.items() if lang != best)
    return best if scores[best] >= 2 and scores[best] > runner_up else "a language other than English"


def with_note(quote: str | None) -> str | None:
    """The quote followed by its language note when it is not in English: '«...» (original in Russian; no translation
    given by the source)'. For tooltips and table cells that show a quote."""
    note = language_note(quote)
    return quote if note is None else f"{quote} ({note})"


def language_note(text: str | None) -> str | None:
    """'original in Russian; no translation given by the source' for a non-English quote, else None."""
    language = language_of(text)
    return None if language is None else f"original in {language}; no translation given by the source"
