"""The interactive terminal chat of `milestones-bot demo`."""

from __future__ import annotations

import contextlib

from bot.console.session import ConsoleChat, UnknownPerson
from bot.i18n import _

with contextlib.suppress(ImportError):  # line editing and history where the platform has readline
    import readline  # noqa: F401


def banner(name: str, email: str) -> str:
    return _(
        "milestones-bot console — you are {name} ({email}).\n"
        "Type a command such as `overdue`, `mine`, `show esr/1.a`, `escalation today` or `help`.\n"
        "`as someone@example.nhs.wales` switches person; `quit` leaves."
    ).format(name=name, email=email)


def chat_loop(chat: ConsoleChat) -> int:
    print(banner(chat.person_name(), chat.email))
    while True:
        try:
            text = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text in ("quit", "exit"):
            return 0
        if text.startswith("as "):
            previous, chat.email = chat.email, text[3:].strip()
            try:
                print(_("You are now {name}.").format(name=chat.person_name()))
            except UnknownPerson as problem:
                chat.email = previous
                print(problem)
            continue
        if text:
            print(chat.say(text))
