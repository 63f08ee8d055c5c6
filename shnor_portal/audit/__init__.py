"""The audit trail: who changed what and when, across every domain app, in one scoped table.

A bottom-layer app: it knows no domain model. Each domain app registers its history-bearing models in its
AppConfig.ready() (`shnor_portal.audit.registry.register`) with a function giving the municipality and school an
instance belongs to; every historical record django-simple-history writes for a registered model becomes one
`AuditEntry` with the before → after values of the changed fields, rendered as text at write time.
"""
