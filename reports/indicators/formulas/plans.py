"""Formulas of the roadmaps: school programmes (plans), activities done on time, МТБ activities."""
