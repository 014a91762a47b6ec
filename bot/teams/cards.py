"""Renders a platform-neutral Reply as an Adaptive Card (schema 1.5, what Teams desktop and mobile show).

Teams refuses messages over about 28 KB, so lines are added until the card reaches CARD_BUDGET and the rest is
replaced by a count. Prompts become Action.Execute buttons (each action of a bundled status prompt, in its own
container, and page turns) or a level choice set (escalation check-in); the click comes back as an
`adaptiveCard/action` invoke with verb ANSWER_VERB."""

from __future__ import annotations

import colorsys
import json
from typing import Any

from bot.i18n import _, format_number, ngettext
from commands.replies import Inline, Line, Link, Mention, Picture, Prompt, Reply, Section, Status

Element = dict[str, Any]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
ANSWER_VERB = "answer"
NOTE_INPUT = "note"
LEVEL_INPUT = "level"
# Room left under Teams' ~28 KB message limit for the activity envelope around the card.
CARD_BUDGET = 24_000

TONE_COLOURS = {"info": "Default", "success": "Good", "refusal": "Warning", "error": "Attention"}


def render_card(reply: Reply) -> Element:
    """The whole card; prompts and the title are kept whole, section lines are cut to fit the budget."""
    head = [_text_block(reply.title, weight="Bolder", size="Medium", color=TONE_COLOURS[reply.tone])]
    tail: list[Element] = []
    actions: list[Element] = []
    if reply.prompt is not None:
        tail, actions = _prompt_elements(reply.prompt)
    if reply.picture is not None:
        tail.insert(0, _image(reply.picture))
    if reply.footer:
        tail.append(_text_block(reply.footer, is_subtle=True))
    card = _card(head, actions)
    budget = CARD_BUDGET - _size(card) - sum(_size(element) for element in tail)
    card["body"].extend(_fit_sections(reply.sections, budget))
    card["body"].extend(tail)
    return card


def _card(body: list[Element], actions: list[Element]) -> Element:
    card: Element = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "msteams": {"width": "Full"},
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _fit_sections(sections: list[Section], budget: int) -> list[Element]:
    elements: list[Element] = []
    used = _size(_cut_note(99_999))  # room kept for the note itself
    total = sum(len(section.lines) for section in sections)
    shown = 0
    for element, lines in (unit for section in sections for unit in _section_units(section)):
        size = _size(element)
        if used + size > budget:
            return [*elements, _cut_note(total - shown)]
        elements.append(element)
        used += size
        shown += lines
    return elements


def _section_units(section: Section) -> list[tuple[Element, int]]:
    """The section's elements, each with the number of reply lines it shows. A section with its own prompt
    (one action of a bundle) is one container with its buttons, kept or cut whole."""
    heading = [_text_block(section.heading, weight="Bolder", spacing="Medium")] if section.heading else []
    lines = [_line_block(pieces) for pieces in section.lines]
    more = [_text_block(section.more, is_subtle=True)] if section.more else []
    if section.prompt is not None:
        items = [*heading, *lines, *_section_prompt(section.prompt), *more]
        return [({"type": "Container", "items": items, "spacing": "Medium"}, len(lines))]
    return [(element, 0) for element in heading] + [(element, 1) for element in lines] + [(e, 0) for e in more]


def note_input_id(subject: str) -> str:
    """Teams sends every input of the card with a click, so each action's note box in a bundled prompt has
    an id of its own, made from what its buttons answer."""
    return f"{NOTE_INPUT}.{subject}"


def _section_prompt(prompt: Prompt) -> list[Element]:
    """An action's own buttons (and note box) inside a bundled prompt."""
    data = {"subject": prompt.subject, "asked_on": prompt.asked_on.isoformat()}
    box = [_note_box(note_input_id(prompt.subject))] if prompt.allow_note else []
    actions = [_execute(choice.label, {**data, "value": choice.value}) for choice in prompt.choices]
    return [*box, {"type": "ActionSet", "actions": actions}]


def _note_box(input_id: str) -> Element:
    return {"type": "Input.Text", "id": input_id, "placeholder": _("Add a note (optional)"), "isMultiline": True,
            "maxLength": 500}  # fmt: skip


def _image(picture: Picture) -> Element:
    return {"type": "Image", "url": picture.url, "altText": picture.alt_text, "size": "Stretch", "spacing": "Medium"}


def _cut_note(left_out: int) -> Element:
    words = ngettext("… and {n} more line not shown here.", "… and {n} more lines not shown here.", left_out)
    return _text_block(words.format(n=format_number(left_out)), is_subtle=True)


def _line_block(pieces: Line) -> Element:
    return {"type": "RichTextBlock", "inlines": [_inline(piece) for piece in pieces]}


def _inline(piece: Inline) -> Element:
    if isinstance(piece, Link):
        return {"type": "TextRun", "text": piece.label, "color": "Accent", "underline": True,
                "selectAction": {"type": "Action.OpenUrl", "url": piece.url}}  # fmt: skip
    if isinstance(piece, Mention):
        return {"type": "TextRun", "text": piece.name, "weight": "Bolder"}
    if isinstance(piece, Status):
        return {"type": "TextRun", "text": f"● {piece.label}", "weight": "Bolder", "color": named_colour(piece.colour)}
    run: Element = {"type": "TextRun", "text": piece.text}
    if piece.style == "bold":
        run["weight"] = "Bolder"
    elif piece.style == "code":
        run["fontType"] = "Monospace"
    elif piece.style == "muted":
        run["isSubtle"] = True
    return run


def named_colour(hex_colour: str | None) -> str:
    """Adaptive Cards only know a few named colours, so a status or level colour maps to the nearest one.
    Near-black is the top escalation level in levels.yaml, so it maps to Attention, not to Dark."""
    if not hex_colour or len(hex_colour) != 7:
        return "Default"
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < 0.2:
        return "Attention" if lightness < 0.2 else "Default"
    degrees = hue * 360
    if degrees < 20 or degrees >= 300:
        return "Attention"
    if degrees < 70:
        return "Warning"
    if degrees < 170:
        return "Good"
    return "Accent"


def _prompt_elements(prompt: Prompt) -> tuple[list[Element], list[Element]]:
    data = {"subject": prompt.subject, "asked_on": prompt.asked_on.isoformat()}
    body: list[Element] = [_text_block(prompt.question, weight="Bolder", spacing="Medium")]
    if prompt.kind == "escalation":
        body.append(_definitions(prompt))
        body.append(
            {
                "type": "Input.ChoiceSet",
                "id": LEVEL_INPUT,
                "style": "expanded",
                "isRequired": True,
                "errorMessage": _("Pick a level."),
                "choices": [{"title": choice.label, "value": choice.value} for choice in prompt.choices],
            }
        )
        actions = [_execute(_("Report this level"), data)]
    else:
        actions = [_execute(choice.label, {**data, "value": choice.value}) for choice in prompt.choices]
    if prompt.allow_note:
        body.append(_note_box(NOTE_INPUT))
    return body, actions


def _definitions(prompt: Prompt) -> Element:
    """Each level with its definition, one plain line each (a FactSet would read its text as markdown)."""
    lines = [
        {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": choice.label, "weight": "Bolder"},
                                              {"type": "TextRun", "text": f" — {choice.description or ''}"}]}
        for choice in prompt.choices
    ]  # fmt: skip
    return {"type": "Container", "items": lines, "spacing": "Small"}


def _execute(title: str, data: dict[str, str]) -> Element:
    return {"type": "Action.Execute", "title": title, "verb": ANSWER_VERB, "data": data}


def _text_block(text: str, **options: Any) -> Element:
    """A line of text as a RichTextBlock with one TextRun: Teams reads a TextBlock's text as markdown, so a
    note such as `[Click to re-authenticate](https://evil.example)` would become a live link; a TextRun is
    always plain text. Titles, headings and footers carry user text (notes in receipts, names, leads), so
    every text on a card is written this way."""
    run: Element = {"type": "TextRun", "text": text}
    block: Element = {"type": "RichTextBlock", "inlines": [run]}
    for key, value in options.items():
        if value is None:
            continue
        if key == "spacing":
            block["spacing"] = value
        else:
            run[_camel(key)] = value
    return block


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def _size(element: Element) -> int:
    """Bytes the element adds to the serialised card, the separator after it included."""
    return len(json.dumps(element, ensure_ascii=False).encode()) + 2
