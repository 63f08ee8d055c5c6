"""Formulas that count the registry: listings of Y, exits to the effective mode, shares of the municipality."""
