"""Shared helpers for files users send and files the portal keeps (the floor: no app imports)."""
