"""Target indicators («целевые показатели»): the catalogue, one named formula per computed indicator, the stored
values per municipality and year, and their recalculation. What each formula counts is written for maintainers in
docs/indicators.md; the contract every formula keeps is in base.py."""
