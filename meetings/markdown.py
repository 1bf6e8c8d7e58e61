"""Markdown written by people, turned into HTML that is safe to show (nh3 sanitises it).

Raw HTML is not a block of its own: Python-Markdown's "html_block" step is off, so a line
such as `<details>` (opened and never closed) is an ordinary paragraph and the Markdown
after it is still Markdown. Tags in the text are kept only when ALLOWED_TAGS lists them
(README, "Minutes and Markdown"); any other tag is dropped and its text kept, and scripts
and styles are dropped with their content.
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}


def render_markdown(text):
    """Markdown to sanitised HTML; scripts, event handlers and javascript: links are dropped."""
    converter = markdown_lib.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    html = converter.convert(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 – nh3 just sanitised it
