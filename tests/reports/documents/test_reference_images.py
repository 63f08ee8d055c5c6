"""Layout checked by eye, automatically: the first page of a plan annex and of an indicators annex, rendered to a
greyscale PNG (pdftoppm, 40 dpi), against the reference images kept beside this file. A moved column, a lost font,
a portrait page instead of a landscape one or a broken header block changes far more than the tolerance; a change of
anti-aliasing does not. After an intended change of the layout, look at the new pictures and update them with
UPDATE_DOCUMENT_REFERENCES=1."""

import os

import pytest
from PIL import Image

from reports.documents import document_for

from ..indicators.pages import YEAR, setup_indicators
from .builders import REFERENCE_DIR, image_difference, make_plan, page_image

pytestmark = pytest.mark.django_db
TOLERANCE = 0.01  # share of pixels that may differ


def check(name: str, content: bytes, page: int = 1):
    image = page_image(content, page)
    path = REFERENCE_DIR / f"{name}.png"
    if os.environ.get("UPDATE_DOCUMENT_REFERENCES") == "1":
        REFERENCE_DIR.mkdir(exist_ok=True)
        image.save(path, optimize=True)
    reference = Image.open(path).convert("L")
    difference = image_difference(image, reference)
    if difference > TOLERANCE:
        image.save(REFERENCE_DIR / f"{name}.actual.png")  # to look at; not committed (.gitignore)
    assert difference <= TOLERANCE, f"{name}: {difference:.2%} of the pixels differ from {path.name}"


def test_the_plan_annex_looks_like_its_reference(world):
    plan = make_plan(world.municipality, sections=3, per_section=6)
    check("plan-annex-page-1", document_for("plan", world.municipality, 2021, plan).pdf())


def test_the_indicators_annex_looks_like_its_reference(world):
    setup_indicators(world)
    make_plan(world.municipality, period=(2019, 2021))
    check("indicators-annex-page-1", document_for("indicators", world.municipality, YEAR).pdf())


def test_the_comparison_notices_a_changed_layout(world):
    plan = make_plan(world.municipality, sections=3, per_section=6)
    reference = Image.open(REFERENCE_DIR / "plan-annex-page-1.png").convert("L")
    portrait = page_image(document_for("indicators", world.municipality, YEAR).pdf())
    assert image_difference(portrait, reference) == 1.0  # another page size
    shifted = page_image(document_for("plan", world.municipality, 2021, plan).pdf()).transform(
        reference.size, Image.AFFINE, (1, 0, -12, 0, 1, 0), fillcolor=255
    )
    assert image_difference(shifted, reference) > TOLERANCE  # the same page moved by 12 pixels
