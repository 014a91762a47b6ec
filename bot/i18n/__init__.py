"""Welsh and English for everything a person reads.

Strings are written in English in the code and looked up in gettext catalogs (`locale/cy/LC_MESSAGES/*.po`,
kept under version control and compiled by `scripts/catalogs compile` or, when no compiled catalog is newer,
in memory at first use). Which language a lookup answers in is the *current* language, set around a piece of
work with `speaking("cy")`; a surface sets it once per message from the reader's preference, so handlers and
renderers just call `_()`.

    from bot.i18n import _, ngettext, speaking
    _("Nothing is overdue.")
    ngettext("{n} action", "{n} actions", n).format(n=n)   # Welsh has six plural forms; the catalog has all six
    N_("Done")   # a constant: marked for extraction here, translated with _() where it is shown

Each `.po` file holds one area's messages (commands, chat surfaces, scheduler, dashboard, exports, data); a
message id may live in only one of them. `scripts/catalogs check` (and the test suite) fails when a message in
the code has no Welsh translation.

Data carries its own Welsh (`name_cy`, `label_cy`… columns filled from `data/` and from imported `*_cy`
columns): show it through the models' `local_*` properties (`organisation.local_name`), never `.name`, in
anything a person reads."""

from bot.i18n.formatting import format_day, format_number
from bot.i18n.language import LANGUAGES, Language, current_language, is_language, local, speaking
from bot.i18n.translate import N_, _, ngettext, pgettext

__all__ = [
    "LANGUAGES",
    "N_",
    "Language",
    "_",
    "current_language",
    "format_day",
    "format_number",
    "is_language",
    "local",
    "ngettext",
    "pgettext",
    "speaking",
]
