"""Files of deleted rows are removed from the storage once the deletion is committed: a certificate of a deleted
development record (a deleted teacher deletes its records) or a deleted event's material must not stay on disk, and
a rolled-back deletion must not lose the file."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import DevelopmentRecord, EventMaterial


def delete_on_commit(field_file) -> None:
    """Remove the file of `field_file` from its storage when the current transaction commits (at once outside one)."""
    if not field_file:
        return
    storage, name = field_file.storage, field_file.name
    transaction.on_commit(lambda: storage.delete(name))


@receiver(post_delete, sender=DevelopmentRecord, dispatch_uid="support-certificate-file")
def delete_certificate_file(sender, instance, **kwargs):
    delete_on_commit(instance.certificate)


@receiver(post_delete, sender=EventMaterial, dispatch_uid="support-material-file")
def delete_material_file(sender, instance, **kwargs):
    delete_on_commit(instance.file)
