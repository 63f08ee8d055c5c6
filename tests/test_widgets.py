"""shnor_portal/widgets.py: the long <select> renders what Django's Select renders, without a template per option."""

import re

import pytest
from django import forms

from shnor_portal.widgets import LongSelect, use_long_selects

CHOICES = [("", "all schools"), ("chemashi", "МКОУ «Чемашинская СОШ»"), ("a&b", "Школа <№1> & «Б»")]


def _options(html):
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)


def test_it_renders_the_options_of_django_select_with_the_selected_one_and_escaping():
    ours = LongSelect(choices=CHOICES).render("school", "a&b", attrs={"id": "id_school", "class": "form-select"})
    django = forms.Select(choices=CHOICES).render("school", "a&b", attrs={"id": "id_school", "class": "form-select"})
    assert _options(ours) == [
        ("", "", "all schools"),
        ("chemashi", "", "МКОУ «Чемашинская СОШ»"),
        ("a&amp;b", " selected", "Школа &lt;№1&gt; &amp; «Б»"),
    ]
    assert [(value, label) for value, _selected, label in _options(ours)] == [
        (value, label) for value, _selected, label in _options(django)
    ]
    assert ours.startswith("<select") and 'name="school"' in ours and 'id="id_school"' in ours
    assert 'class="form-select"' in ours


def test_it_selects_the_empty_choice_without_a_value_as_django_does():
    ours = _options(LongSelect(choices=CHOICES).render("school", None))
    assert ours == _options(forms.Select(choices=CHOICES).render("school", None))
    assert [selected for _value, selected, _label in ours] == [" selected", "", ""]


def test_use_long_selects_swaps_plain_selects_only_and_keeps_their_choices_and_attributes():
    class Form(forms.Form):
        school = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"class": "narrow"}))
        kind = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
        name = forms.CharField()

    form = Form({"school": "chemashi"})
    use_long_selects(form)
    assert type(form.fields["school"].widget) is LongSelect
    assert type(form.fields["kind"].widget) is forms.RadioSelect and type(form.fields["name"].widget) is forms.TextInput
    html = str(form["school"])
    assert 'class="narrow"' in html and ("chemashi", " selected", "МКОУ «Чемашинская СОШ»") in _options(html)


@pytest.mark.django_db
def test_a_model_choice_with_label_field_renders_the_options_the_instances_would(world):
    from registry.models import School

    School.objects.filter(pk=world.school.pk).update(short_name="Школа <№1> & «Б»")

    class Form(forms.Form):
        school = forms.ModelChoiceField(
            queryset=School.objects.order_by("short_name"), to_field_name="code", empty_label="all schools"
        )

    slow = Form({"school": world.school.code})
    use_long_selects(slow)
    fast = Form({"school": world.school.code})
    use_long_selects(fast)
    fast.fields["school"].widget.label_field = "short_name"
    expected = _options(str(slow["school"]))
    html = str(fast["school"])
    assert _options(html) == expected and len(expected) == School.objects.count() + 1
    assert (world.school.code, " selected", "Школа &lt;№1&gt; &amp; «Б»") in _options(html)
