"""QuickSelect writes the markup Django's Select writes, without a template per option."""

import pytest
from django import forms

from reference.models import Territory
from reference.widgets import QuickSelect

CHOICES = [
    ("", "Tous"),
    ("a", "Côtes-d’Armor"),
    ("b&c", 'Ille "et" <Vilaine>'),
    ("Régions", [("53", "Bretagne"), ("52", "Pays de la Loire")]),
]


def django_and_quick(value, choices=CHOICES, attrs=None):
    attrs = attrs or {"class": "form-select", "id": "id_t"}
    return (
        forms.Select(attrs=attrs, choices=choices).render("territory", value),
        QuickSelect(attrs=attrs, choices=choices).render("territory", value),
    )


def squeeze(html):
    return "".join(line.strip() for line in html.splitlines())


@pytest.mark.parametrize("value", [None, "", "a", "b&c", "52", ["53"]])
def test_the_markup_is_django_s(value):
    django_html, quick_html = django_and_quick(value)
    assert squeeze(quick_html) == squeeze(django_html)


def test_boolean_attributes_are_written_as_django_writes_them():
    django_html, quick_html = django_and_quick("a", attrs={"required": True, "disabled": False, "id": "x"})
    assert squeeze(quick_html) == squeeze(django_html)
    assert " required" in quick_html and "disabled" not in quick_html


def test_labels_and_values_are_escaped():
    _, quick_html = django_and_quick(None)
    assert "<Vilaine>" not in quick_html
    assert 'value="b&amp;c"' in quick_html


@pytest.mark.django_db
def test_a_model_choice_field_renders_alike():
    field = forms.ModelChoiceField(queryset=Territory.objects.order_by("code")[:30], empty_label="Tous")
    chosen = Territory.objects.order_by("code")[3]
    django_html = forms.Select(attrs={"id": "t"}, choices=field.choices).render("territory", chosen.pk)
    quick_html = QuickSelect(attrs={"id": "t"}, choices=field.choices).render("territory", chosen.pk)
    assert squeeze(quick_html) == squeeze(django_html)
    assert f'<option value="{chosen.pk}" selected>' in quick_html
