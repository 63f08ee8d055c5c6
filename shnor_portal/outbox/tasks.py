from celery import shared_task

from . import services


@shared_task(name="outbox.sweep", ignore_result=True)
def sweep() -> dict:
    """Beat runs this every minute: pending rows go to the broker, the apps' checks (stale jobs) run."""
    return services.sweep()
