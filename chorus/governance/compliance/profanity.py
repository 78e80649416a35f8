"""Starter profanity lists, one per language; each organisation edits its own copy.

A word is matched in its inflected forms in its own language only, so a list never
fires on a harmless word of another language.
"""

STARTER_LISTS: dict[str, tuple[str, ...]] = {
    "en": (
        "fuck", "fucking", "fucked", "fucker", "motherfucker", "shit", "bullshit",
        "bitch", "bastard", "asshole", "arsehole", "cunt", "dickhead", "wanker",
        "bollocks", "twat",
    ),
    "de": (
        "Scheiße", "Scheiß", "Arschloch", "Wichser", "Hurensohn", "Fotze", "ficken",
        "Fick", "Drecksau", "Schlampe", "Miststück", "Mistkerl",
    ),
    "fi": (
        "vittu", "perkele", "saatana", "paska", "helvetti", "kusipää", "mulkku",
        "runkkari", "jumalauta", "perse", "huora",
    ),
    "pl": (
        "kurwa", "chuj", "huj", "pierdolić", "pierdolony", "jebać", "jebany",
        "skurwysyn", "dupek", "cipa", "spierdalaj",
    ),
    "cy": ("cachu", "ffycin", "ffwcio", "bastad", "twll dîn", "diawl"),
}  # fmt: skip
