"""Formulas of assessment results: the ГИА gap, ВПР dynamics, stable low and high results, marks «5», the per-school
ВПР indicators."""
