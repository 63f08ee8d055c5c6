"""Formulas of support: methodological events, targeted help, pairings and agreements, competitions."""
