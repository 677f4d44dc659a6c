"""The parent's screens say everything twice: in the parent's language and in English, at the same
size and weight, so an English-reading officer, interpreter or relative reads the same words.

``{% bilingual %}...{% endbilingual %}`` renders its content once in the parent's language
(``parent_language`` in the context) and once in English, each in a ``<span lang>``; the
surrounding element (a heading, a button, a paragraph) gives both the same type. For an English
parent, or on a staff screen (no ``parent_language``), the content is rendered once, as it is.

    <h1 class="h3">{% bilingual %}{% translate "Your choice for each child" %}{% endbilingual %}</h1>
"""

from django import template
from django.utils import translation
from django.utils.html import format_html_join

from elections import languages

register = template.Library()

ENGLISH = "en"


def screen_languages(context) -> list[str]:
    """The languages a parent's screen speaks, the parent's first; empty elsewhere."""
    language = context.get("parent_language")
    if not language or language.split("-")[0] == ENGLISH:
        return []
    return [language, ENGLISH]


class BilingualNode(template.Node):
    def __init__(self, nodelist, block: bool):
        self.nodelist = nodelist
        self.block = block

    def render(self, context):
        spoken = screen_languages(context)
        if not spoken:
            return self.nodelist.render(context)
        parts = []
        for language in spoken:
            with translation.override(language):
                parts.append((language, self.nodelist.render(context).strip()))
        if parts[0][1] == parts[1][1]:
            # Words that read the same in both (a name, a message that exists in one language
            # only) are not shown twice.
            return self.nodelist.render(context)
        css = "bilingual-part bilingual-block" if self.block else "bilingual-part"
        return format_html_join(
            "",
            '<span class="' + css + '" lang="{}">{}</span>',
            parts,
        )


@register.tag
def bilingual(parser, token):
    """``{% bilingual %}`` (stacked lines) or ``{% bilingual inline %}`` (one line, "a / b")."""
    bits = token.split_contents()
    if len(bits) > 2 or (len(bits) == 2 and bits[1] != "inline"):
        raise template.TemplateSyntaxError("usage: {% bilingual [inline] %}...{% endbilingual %}")
    nodelist = parser.parse(("endbilingual",))
    parser.delete_first_token()
    return BilingualNode(nodelist, block=len(bits) == 1)


@register.simple_tag(takes_context=True)
def if_bilingual(context, then: str, otherwise: str = "") -> str:
    """``then`` on a screen that speaks two languages, else ``otherwise`` (a CSS class, say)."""
    return then if screen_languages(context) else otherwise


@register.filter
def language_list(codes) -> str:
    """Language codes named in the active language, as a sentence lists them: "español, mam"."""
    return ", ".join(languages.language_name_in_text(code) for code in codes or [])
