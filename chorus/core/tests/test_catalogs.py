import gettext
import os
from pathlib import Path

from django.core.management import call_command

from chorus.core.catalogs import compile_catalogs

CATALOG = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Campaigns"
msgstr "Kampanjat"

#, fuzzy
msgid "Reach"
msgstr "Tavoittavuus"

msgid "%(count)d share"
msgid_plural "%(count)d shares"
msgstr[0] "%(count)d jako"
msgstr[1] "%(count)d jakoa"
"""


def write_catalog(locale_dir: Path) -> Path:
    source = locale_dir / "fi" / "LC_MESSAGES" / "django.po"
    source.parent.mkdir(parents=True)
    source.write_text(CATALOG, encoding="utf-8")
    return source


def test_catalogs_compile_without_gettext(tmp_path):
    source = write_catalog(tmp_path)

    compiled = compile_catalogs(locale_dirs=[tmp_path])

    assert [catalog.source for catalog in compiled] == [source]
    with source.with_suffix(".mo").open("rb") as mo:
        translations = gettext.GNUTranslations(mo)
    assert translations.gettext("Campaigns") == "Kampanjat"
    assert translations.ngettext("%(count)d share", "%(count)d shares", 3) == "%(count)d jakoa"
    # Like msgfmt, fuzzy translations are left out.
    assert translations.gettext("Reach") == "Reach"


def test_only_changed_catalogs_are_compiled_again(tmp_path):
    source = write_catalog(tmp_path)
    compile_catalogs(locale_dirs=[tmp_path])

    assert compile_catalogs(locale_dirs=[tmp_path]) == []
    assert len(compile_catalogs(locale_dirs=[tmp_path], force=True)) == 1

    later = source.with_suffix(".mo").stat().st_mtime + 10
    os.utime(source, (later, later))
    assert len(compile_catalogs(locale_dirs=[tmp_path])) == 1


def test_the_command_compiles_the_configured_locale_paths(settings, tmp_path, capsys):
    source = write_catalog(tmp_path)
    settings.LOCALE_PATHS = [tmp_path]

    call_command("compile_catalogs", "--force")

    assert source.with_suffix(".mo").exists()
    assert "catalogs compiled" in capsys.readouterr().out
