"""Files of deleted rows are removed from the storage once the deletion is committed: a certificate of a deleted
development record (a deleted teacher deletes its records) or a deleted event's material must not stay on disk, and
a rolled-back deletion must not lose the file."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from shnor_portal.files.uploads import delete_after_commit

from .models import DevelopmentRecord, EventMaterial


@receiver(post_delete, sender=DevelopmentRecord, dispatch_uid="support-certificate-file")
def delete_certificate_file(sender, instance, **kwargs):
    delete_after_commit(instance.certificate)


@receiver(post_delete, sender=EventMaterial, dispatch_uid="support-material-file")
def delete_material_file(sender, instance, **kwargs):
    delete_after_commit(instance.file)
