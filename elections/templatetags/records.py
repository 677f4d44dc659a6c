"""Tags for the record (``includes/_record.html`` and the sealed PDF).

On the web pages they print the active language only. In the PDF the template sets
``english_beside``: the record is rendered in the parent's language and every label, choice, date
and language name is followed by its English (R10), so a court reads the same page as the parent.

``{% label _("Full name") %}`` takes the message id literally, so ``makemessages`` extracts it like
any ``_()`` constant in a template tag.
"""

import re

from babel.dates import format_date
from django import template
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext

from elections import languages

register = template.Library()

_MSGID = re.compile(r"""^_\((?P<q>["'])(?P<text>.*)(?P=q)\)$""")


def _active() -> str:
    return translation.get_language() or "en"


def _english_beside(context) -> bool:
    return bool(context.get("english_beside")) and not _active().startswith("en")


def _pair(context, local: str, english: str):
    # "local / English", the English in a span of its own language: the tagged PDF gives it
    # /Lang en, so a screen reader reads it in English (an unstyled inline span, laid out as
    # the one run of text it was).
    if _english_beside(context) and english != local:
        return format_html('{} / <span lang="en">{}</span>', local, english)
    return conditional_escape(local)


class LabelNode(template.Node):
    def __init__(self, msgid: str):
        self.msgid = msgid

    def render(self, context):
        local = gettext(self.msgid)
        with translation.override("en"):
            english = gettext(self.msgid)
        return _pair(context, local, english)


@register.tag
def label(parser, token):
    """``{% label _("Text") %}``: the text translated, with the English beside it in the PDF."""
    bits = token.split_contents()
    match = _MSGID.match(bits[1]) if len(bits) == 2 else None
    if match is None:
        raise template.TemplateSyntaxError('Use {% label _("Text") %}.')
    return LabelNode(match["text"])


@register.simple_tag(takes_context=True)
def both(context, value):
    """A lazily translated value (a choice's label, a stored message) in both languages."""
    if value is None or value == "":
        return ""
    local = str(value)
    with translation.override("en"):
        english = str(value)
    return _pair(context, local, english)


@register.filter
def choice_label(instance, field_name: str):
    """The lazy label of a choice field's value, so ``both`` can print it in two languages."""
    value = getattr(instance, field_name)
    field = instance._meta.get_field(field_name)
    return dict(field.flatchoices).get(value, value)


def _babel(language: str) -> str:
    return language.replace("-", "_")


@register.simple_tag(takes_context=True)
def day(context, value):
    """A date the way each language writes it: 18 de mayo de 2021 · May 18, 2021."""
    if not value:
        return ""
    local = format_date(value, format="long", locale=_babel(_active()))
    english = format_date(value, format="long", locale="en")
    return _pair(context, local, english)


def office_moment(value, time_zone, language: str) -> str:
    """18 de mayo de 2021, 14:05 (UTC-06:00): the office's local time with its UTC offset (R8)."""
    local = timezone.localtime(value, timezone=time_zone)
    offset = local.strftime("%z")
    date = format_date(local, format="long", locale=_babel(language))
    return f"{date}, {local:%H:%M} (UTC{offset[:3]}:{offset[3:]})"


@register.simple_tag(takes_context=True)
def moment(context, value, office):
    """A server timestamp in the office's time zone with its offset; in the PDF the English
    reads the same moment in full: 1 de diciembre de 2026, 08:09 (UTC-07:00) / December 1,
    2026, 08:09 (UTC-07:00)."""
    if not value:
        return ""
    local = office_moment(value, office.tz, _active())
    if _english_beside(context):
        return format_html(
            '{} / <span lang="en">{}</span>', local, office_moment(value, office.tz, "en")
        )
    return local


@register.simple_tag
def stamp(value, office, language=None):
    """A compact timestamp for the audit trail: 18 may 2021, 14:05:09 (UTC-06:00); in
    ``language`` when given (the trail's English line), else in the active language."""
    if not value:
        return ""
    local = timezone.localtime(value, timezone=office.tz)
    offset = local.strftime("%z")
    date = format_date(local, format="medium", locale=_babel(language or _active()))
    return f"{date}, {local:%H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


@register.simple_tag(takes_context=True)
def lang(context, code):
    """A language's name (not ``language``: that is i18n's block tag)."""
    if not code:
        return ""
    return _pair(
        context, languages.language_name(code, _active()), languages.language_name(code, "en")
    )


@register.simple_tag(takes_context=True)
def country(context, code):
    if not code:
        return ""
    return _pair(
        context, languages.country_name(code, _active()), languages.country_name(code, "en")
    )


@register.filter
def option_text(version, decision):
    """The notice's own words for a decision: what the parent chose, as it was shown."""
    if version is None or decision not in ("reunify", "waive", "consult"):
        return ""
    return version.option_text(decision)


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


@register.simple_tag
def notice_rows(version, english=None):
    """The notice shown, row by row, each part beside its English (R10): the title, the body
    paragraph by paragraph (when both have as many), the three options, the legal help.

    ``english`` is None when the notice shown is the English one.
    """
    if english is not None and english.pk == version.pk:
        english = None

    def row(kind, local, en, number=None):
        return {"kind": kind, "local": local, "english": en, "number": number}

    def pair_up(kind, local_text, en_text):
        local, en = _paragraphs(local_text), _paragraphs(en_text) if english else []
        if english is not None and len(local) != len(en):
            return [row(kind, "\n\n".join(local), "\n\n".join(en))]
        return [
            row(kind, text, en[index] if english is not None else None)
            for index, text in enumerate(local)
        ]

    rows = [row("title", version.title, english.title if english else None)]
    rows += pair_up("body", version.body, english.body if english else "")
    for number, decision in enumerate(("reunify", "waive", "consult"), start=1):
        rows.append(
            row(
                "option",
                version.option_text(decision),
                english.option_text(decision) if english else None,
                number,
            )
        )
    rows += pair_up("legal", version.legal_help, english.legal_help if english else "")
    return rows
