"""The head of every list table (templates/includes/list_head.html): the count, the export of the same filtered
rows, and another view of them where a list has one."""

from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string


def render(**context) -> str:
    return render_to_string("includes/list_head.html", {"page": Paginator(range(7), 5).page(1), **context})


def test_the_count_line_and_the_export_of_the_filtered_rows():
    html = render(count_line="7 plans", query="q=%D0%B0&status=draft")
    assert '<div class="text-muted">7 plans</div>' in html
    assert 'href="?q=%D0%B0&amp;status=draft&amp;export=xlsx"' in html
    assert "btn-outline-secondary" not in html and "title=" not in html


def test_without_filters_the_export_takes_no_query():
    assert 'href="?export=xlsx"' in render(count_line="7 plans")


def test_a_count_worded_by_a_template_of_its_own_gets_the_number_of_rows():
    html = render(count_template="roadmaps/execution/_awaiting_count.html")
    assert 'id="awaiting-count"' in html and "7" in html


def test_another_view_of_the_rows_carries_the_filters_and_a_hint_is_escaped():
    html = render(
        count_line="7",
        query="status=active",
        also_url="/pairs/diagram/",
        also_label="As a diagram",
        export_title='Logged <"named">',
    )
    assert 'href="/pairs/diagram/?status=active">As a diagram</a>' in html
    assert 'title="Logged &lt;&quot;named&quot;&gt;"' in html


def test_a_caller_words_its_count_with_its_own_plural_forms():
    template = Template(
        "{% load i18n %}{% blocktranslate trimmed count counter=page.paginator.count asvar count_line %}"
        "{{ counter }} plan{% plural %}{{ counter }} plans{% endblocktranslate %}"
        '{% include "includes/list_head.html" %}'
    )
    html = template.render(Context({"page": Paginator(range(1), 5).page(1)}))
    assert '<div class="text-muted">1 план</div>' in html  # the caller's msgid, translated
