"""The scaffolding the apps' forms share (shnor_portal/forms.py): the date input, the crispy helper, school names."""

import copy
import datetime as dt

from crispy_forms.layout import Submit
from django import forms

from shnor_portal.forms import DATE_INPUT, SchoolChoiceField, SchoolsField, form_helper

from .factories import MunicipalityFactory, SchoolFactory


def test_the_date_input_is_the_browsers_picker_with_an_iso_value():
    class Form(forms.Form):
        day = forms.DateField(widget=DATE_INPUT)

    html = str(Form(initial={"day": dt.date(2024, 9, 1)})["day"])
    assert 'type="date"' in html and 'value="2024-09-01"' in html


def test_the_helper_leaves_validation_to_the_server_and_keeps_its_layout_and_action():
    helper = form_helper("name", Submit("save", "Save"), action="/next/")
    assert helper.attrs == {"novalidate": ""}
    assert helper.form_action == "/next/"
    assert [field for field in helper.layout.fields if isinstance(field, str)] == ["name"]
    assert form_helper().layout is None  # crispy then renders every field in order


def test_a_school_is_named_with_its_municipality(db):
    municipality = MunicipalityFactory(name="Октябрьский район", short_name="Октябрьский")
    school = SchoolFactory(short_name="СОШ №2", municipality=municipality)
    queryset = type(school).objects.all()
    assert SchoolChoiceField(queryset=queryset).label_from_instance(school) == "СОШ №2 (Октябрьский район)"
    short = SchoolChoiceField(queryset=queryset, short_municipality=True)
    assert short.label_from_instance(school) == "СОШ №2 (Октябрьский)"
    municipality.short_name = ""
    assert short.label_from_instance(school) == "СОШ №2 (Октябрьский район)"
    assert SchoolsField(queryset=queryset).label_from_instance(school) == "СОШ №2"


def test_the_short_municipality_survives_the_copy_each_form_makes_of_its_fields(db):
    field = SchoolChoiceField(queryset=SchoolFactory._meta.model.objects.none(), short_municipality=True)
    assert copy.deepcopy(field).short_municipality is True
