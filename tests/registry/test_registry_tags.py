"""registry/templatetags/registry_tags.py: status badges, the ИОР trend and choice labels of the registry's rows."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from registry.models import Listing, School, SchoolType, Status

pytestmark = pytest.mark.django_db


def render(source, **context):
    return Template("{% load registry_tags %}" + source).render(Context(context))


def test_it_writes_a_badge_per_listing_with_its_translated_status_period_and_basis(world):
    listings = list(Listing.objects.filter(school__in=[world.school, world.mentor_school]).order_by("start"))
    html = render("{% status_badges listings %}", listings=listings)
    assert html.count('<span class="badge') == 2
    assert '<span class="badge status-shnor" title="02.12.2019 – 31.08.2020 · приказ №1576 от 02.12.2019">' in html
    assert f">{Status.SHNOR.label}</span>" in html and f">{Status.MENTOR.label}</span>" in html
    assert "ШНОР" in html and "школа-наставник" in html.lower()


def test_it_escapes_the_basis_in_the_title(world):
    listing = Listing(school=world.school, status=Status.RISK_ZONE, start=dt.date(2024, 9, 1), basis='приказ "<1>"')
    assert 'title="с 01.09.2024 · приказ &quot;&lt;1&gt;&quot;"' in render("{% status_badges l %}", l=[listing])


def test_it_shows_the_ior_with_an_arrow_against_the_year_before():
    def trend(ior, previous):
        return render("{% ior_trend school %}", school=SimpleNamespace(ior=ior, ior_previous=previous))

    assert trend(None, 0.5) == '<span class="text-muted">—</span>'
    assert trend(0.4567, None) == "0,457"
    assert trend(0.5, 0.4).startswith('0,500 <span class="text-success"') and "▲" in trend(0.5, 0.4)
    assert "▼" in trend(0.3, 0.4) and "text-danger" in trend(0.3, 0.4)
    assert "＝" in trend(0.4, 0.4)


def test_the_display_filter_gives_the_label_of_the_active_language():
    school = School(type=SchoolType.choices[0][0])
    assert render('{{ school|display:"type" }}', school=school) == str(school.get_type_display())
    with translation.override("en"):
        assert render('{{ school|display:"type" }}', school=school) == str(school.get_type_display())


def test_filter_field_writes_the_label_the_bootstrap_control_and_the_errors():
    from django import forms

    from registry.templatetags.registry_tags import filter_field

    class Filters(forms.Form):
        kind = forms.ChoiceField(label="Тип", required=False, choices=[("", "все"), ("a", "А")])
        since = forms.DateField(label="С", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    form = Filters({"kind": "a", "since": "не дата"})
    form.is_valid()
    kind = str(filter_field(form["kind"]))
    assert kind.startswith('<div id="div_id_kind" class="mb-3"><label for="id_kind" class="form-label">Тип</label>')
    assert 'class="select form-select"' in kind and '<option value="a" selected>' in kind
    assert "is-invalid" not in kind and "invalid-feedback" not in kind
    since = str(filter_field(form["since"]))
    assert 'class="dateinput form-control is-invalid"' in since and 'aria-describedby="id_since_error"' in since
    assert '<div id="id_since_error" class="invalid-feedback"><p id="error_1_id_since"><strong>' in since


def test_it_writes_a_registry_row_with_rural_badge_risks_bases_once_and_escaped_text(world):
    school = world.school
    school.short_name = '<script>alert("x")</script>'
    school.settlement = ""
    school.is_rural = True
    school.ior, school.ior_previous, school.risks_high, school.risks_medium = None, None, 2, 0
    same_basis = dict(basis_number="7", basis_date=dt.date(2021, 1, 5))
    school.year_listings = [
        Listing(school=school, status=Status.SHNOR, start=dt.date(2021, 1, 5), **same_basis),
        Listing(school=school, status=Status.RISK_ZONE, start=dt.date(2021, 2, 1), **same_basis),
    ]
    school.year_mentors = []
    with translation.override("ru"):
        html = render("{% school_rows schools %}", schools=[school])
    assert html.count("<tr>") == 1 and html.count("<td") == 9
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<td>— <span class="badge text-bg-light">сельская</span></td>' in html
    assert '<span class="badge risk-high text-dark">2 высоких</span> </td>' in html
    # Two listings of one basis: the basis once, as {% regroup %} wrote it.
    assert html.count('<div title="№7 от 05.01.2021">приказ №7 от 05.01.2021</div>') == 1
    assert html.count('<span class="badge status-') == 2
    assert html.endswith('<td class="small">—</td></tr>\n')


def test_it_writes_the_dashboard_rows_with_mentors_joined_and_escaped(world):
    school = world.school
    mentor = SimpleNamespace(mentor=SimpleNamespace(short_name="A & B"))
    other = SimpleNamespace(mentor=SimpleNamespace(short_name="<b>C</b>"))
    school.year_listings, school.year_mentors = [], [mentor, other]
    html = render("{% attention_rows schools %}", schools=[school])
    assert html.endswith("<td>A &amp; B, &lt;b&gt;C&lt;/b&gt;</td></tr>\n")
    school.year_mentors = []
    assert render("{% attention_rows schools %}", schools=[school]).endswith("<td>—</td></tr>\n")
