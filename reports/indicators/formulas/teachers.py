"""Formulas of the teachers: professional development and competence diagnostics."""
