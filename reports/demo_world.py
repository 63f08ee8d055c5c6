"""The demo world of docs/demo.md, app by app in the order of the layers: each app's own demo module loads its data, and
only this top layer, which may import every app, knows them all."""

from accounts import demo as accounts_demo
from registry import demo as registry_demo
from roadmaps import demo as roadmaps_demo
from support import demo as support_demo

from . import demo as reports_demo
from .indicators import demo as indicators_demo
from .indicators import services as indicators
from .indicators import triggers
from .indicators.models import IndicatorValue
from .signatures import demo as signatures_demo


def load(tally, today=None) -> list[tuple[str, str]]:
    """Load (or bring up to date) the whole demo world; return the demo logins with their descriptions.

    The edits enqueue no recalculation one by one (triggers suspended): the indicators of every municipality and year
    are recalculated once at the end — when something changed, so that a second run changes nothing. `today` is the
    day the current plans are placed around (default: the local date)."""
    with triggers.suspended():
        registry_demo.load(tally)
        support_demo.load(tally)
        logins = accounts_demo.load(tally)
        registry_demo.load_role_assignments(tally)
        registry_demo.load_profiles(tally)
        reports_demo.load(tally)
        reports_demo.load_published(tally)
        roadmaps_demo.load(tally, today)
        indicators_demo.load(tally)
    if tally.created or tally.updated or not IndicatorValue.objects.exists():
        indicators.recalculate()
    # Last: the signed documents are rendered from everything above, with the indicators calculated.
    signatures_demo.load(tally)
    return logins
