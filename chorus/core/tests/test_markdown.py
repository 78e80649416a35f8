"""Markdown written by organisations becomes safe HTML: nothing a script could run gets through."""

from html.parser import HTMLParser

import pytest

from chorus.core.markdown import render_markdown


class _Elements(HTMLParser):
    """Every tag and attribute a browser would see in the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs


def elements(html: str) -> _Elements:
    return _Elements(html)


def test_markdown_becomes_html():
    html = render_markdown(
        "## Ground rules\n\n- Be **honest**\n- Be *kind*\n\n> Think first.\n\n"
        "| Who | What |\n|---|---|\n| You | Your words |\n"
    )

    assert "<h2>Ground rules</h2>" in html
    assert "<li>Be <strong>honest</strong></li>" in html
    assert "<em>kind</em>" in html
    assert "<blockquote>" in html
    assert "<td>Your words</td>" in html


def test_links_keep_neither_opener_nor_referrer():
    html = render_markdown("[Our guidelines](https://acme.test/guidelines)")

    assert (
        '<a href="https://acme.test/guidelines" rel="noopener noreferrer">Our guidelines</a>'
        in html
    )


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert('x')</script>",
        "Hello <script>alert('x')</script> there",
        '<img src="x" onerror="alert(1)">',
        '<a href="https://acme.test" onclick="alert(1)">raw link</a>',
        '<iframe src="https://evil.test"></iframe>',
        "<style>body { display: none }</style>",
        '<div onmouseover="alert(1)">hover</div>',
    ],
)
def test_raw_html_is_shown_as_text_never_as_markup(markdown):
    html = render_markdown(markdown)

    found = elements(html)
    assert set(found.tags) <= {"p"}
    assert found.attributes == []
    assert "&lt;" in html


@pytest.mark.parametrize(
    "markdown",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](  javascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<javascript:alert(1)>",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_links_to_scripts_never_become_links(markdown):
    html = render_markdown(markdown)

    assert "a" not in elements(html).tags
    assert not any(name == "href" for name, _value in elements(html).attributes)


def test_no_attribute_that_runs_code_survives():
    html = render_markdown(
        '![pic](https://acme.test/a.png "x" onerror="alert(1)")\n\n'
        '[link](https://acme.test "title" onclick="alert(1)")'
    )

    found = elements(html)
    assert "img" not in found.tags
    assert {name for name, _value in found.attributes} <= {"href", "title", "rel"}


def test_the_output_is_marked_safe_only_after_cleaning():
    html = render_markdown("Plain & simple <b>bold</b>")

    assert html == "<p>Plain &amp; simple &lt;b&gt;bold&lt;/b&gt;</p>\n"
    assert hasattr(html, "__html__")
