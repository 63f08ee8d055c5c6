"""Every formula, by family; importing this package registers them all in base.FORMULAS."""

from . import plans, registry, results, support, teachers  # noqa: F401 — registration by import
