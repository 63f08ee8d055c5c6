"""Official documents (SPEC §2.5): one class per kind on the shared base (base.py), the kinds and the choice of a
document for a unit, a year and a plan (kinds.py). See base.py for how HTML, PDF and .xlsx come from one context."""

from .base import Column, Document, DocumentUnavailable, Figure, Heading, Paragraph, Row, Signature, Table
from .kinds import KINDS, document_for, plans_for

__all__ = [
    "KINDS",
    "Column",
    "Document",
    "DocumentUnavailable",
    "Figure",
    "Heading",
    "Paragraph",
    "Row",
    "Signature",
    "Table",
    "document_for",
    "plans_for",
]
