import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
SHIPPED = {code for code, _name in settings.LANGUAGES} - {"en"}
CATALOGS = sorted(
    Path(path)
    for base in settings.LOCALE_PATHS
    for path in Path(base).glob("*/LC_MESSAGES/django.po")
)


def test_every_shipped_language_has_a_catalog():
    languages = {path.parts[-3] for path in CATALOGS if "locale_allauth" not in path.parts}
    assert languages == SHIPPED


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: "/".join(path.parts[-4:-2]))
def test_catalog_is_complete_and_keeps_placeholders(path):
    catalog = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {path}"
    assert fuzzy == [], f"fuzzy in {path}"
    for entry in catalog.translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            found = sorted(set(PLACEHOLDER.findall(translation)))
            assert found == sorted(set(expected)) or (
                entry.msgid_plural and set(found) <= set(expected)
            ), f"{path}: {entry.msgid!r} -> {translation!r}"
