"""Markdown written by people: sanitised, and raw HTML never swallows the text after it."""

from pathlib import Path

from meetings.markdown import ALLOWED_TAGS, render_markdown


def test_it_renders_the_markdown_after_an_unclosed_raw_html_block():
    html = render_markdown("Intro\n\n<details>\n<summary>Plus</summary>\n\n**Décidé** : le forum\n\n- un\n- deux")
    assert "<strong>Décidé</strong>" in html and "<li>deux</li>" in html
    assert "<details>" not in html and "<summary>" not in html and "Plus" in html


def test_it_renders_the_markdown_after_a_closed_raw_html_block():
    html = render_markdown("<div>\nbloc\n</div>\n\n## Suite\n\n*italique*")
    assert "<h2>Suite</h2>" in html and "<em>italique</em>" in html and "<div>" not in html


def test_it_keeps_the_allowed_tags_and_drops_scripts_with_their_content():
    html = render_markdown("Un <u>mot</u> et<br>une ligne <script>alert(1)</script> <img src=x onerror=alert(2)>")
    assert "<u>mot</u>" in html and "<br>" in html
    assert "script" not in html and "alert" not in html and "<img" not in html


def test_it_allows_only_the_tags_the_readme_lists():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Minutes and Markdown", 1)[1].split("\n## ", 1)[0]
    assert all(f"`{tag}`" in section for tag in ALLOWED_TAGS)
