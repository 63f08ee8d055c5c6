"""The outbox: a Celery task that must run is recorded in the database first, then sent to the broker.

A broker outage or a killed worker loses nothing: a row stays pending until a send succeeds (on commit, on the next
attempt or by the periodic sweep). This app sits at the bottom layer: it knows tasks only by their Celery names.
"""
