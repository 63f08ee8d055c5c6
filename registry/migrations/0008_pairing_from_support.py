"""Pairing (and its history) moves from `support` to `registry` with every row kept (issue 13).

1. State only: registry takes over the models as they are in the database, still on the support_* tables.
2. The content types of support.pairing / support.historicalpairing are relabelled, so the audit trail, the admin
   log and the permissions that refer to them keep resolving (and the audit backfill sees no «new» model).

Then roadmaps/0004 moves the plans' foreign keys in state, support/0008 forgets the models (state only), and
registry/0009 renames the tables to registry_* once no migration still creates anything against support_pairing.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MOVED = ("pairing", "historicalpairing")


def _merge(apps, twin, kept):
    """Everything that refers to `twin` (a content type made for the same model under the other label, as a test
    database or a half-run upgrade may hold) goes to `kept`; then `twin` goes."""
    AuditEntry = apps.get_model("audit", "AuditEntry")
    LogEntry = apps.get_model("admin", "LogEntry")
    Permission = apps.get_model("auth", "Permission")

    # An entry made twice from one historical record (once under each label): the older one stays.
    known = AuditEntry.objects.filter(content_type=kept).values_list("history_id", flat=True)
    AuditEntry.objects.filter(content_type=twin, history_id__in=known).delete()
    AuditEntry.objects.filter(content_type=twin).update(content_type=kept)
    LogEntry.objects.filter(content_type=twin).update(content_type=kept)
    for permission in Permission.objects.filter(content_type=twin):
        same = Permission.objects.filter(content_type=kept, codename=permission.codename).first()
        if same is None:
            permission.content_type = kept
            permission.save(update_fields=["content_type"])
            continue
        for group in permission.group_set.all():
            group.permissions.add(same)
        for user in permission.user_set.all():
            user.user_permissions.add(same)
        permission.delete()
    twin.delete()


def _relabel(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        row = ContentType.objects.filter(app_label=source, model=model).first()
        if row is None:
            continue  # a fresh database: post_migrate creates the row under the new label
        twin = ContentType.objects.filter(app_label=target, model=model).first()
        if twin is not None:
            _merge(apps, twin, kept=row)
        row.app_label = target
        row.save(update_fields=["app_label"])


def content_types_to_registry(apps, schema_editor):
    _relabel(apps, "support", "registry")


def content_types_to_support(apps, schema_editor):
    _relabel(apps, "registry", "support")


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_registry_import'),
        ('support', '0007_history_of_scores_participants_materials'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('admin', '0003_logentry_add_action_flag_choices'),
        ('audit', '0001_audit_entry'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Pairing',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('agreement_number', models.CharField(blank=True, max_length=50, verbose_name='agreement number')),
                        ('agreement_date', models.DateField(blank=True, null=True, verbose_name='agreement date')),
                        ('basis', models.CharField(blank=True, max_length=500, verbose_name='basis order')),
                        ('start', models.DateField(verbose_name='start')),
                        ('end', models.DateField(blank=True, null=True, verbose_name='end')),
                        ('goals', models.TextField(blank=True, verbose_name='goals')),
                        ('status', models.CharField(choices=[('active', 'active'), ('ended', 'ended'), ('renewed', 'renewed')], default='active', max_length=16, verbose_name='status')),
                        ('support_model', models.CharField(blank=True, choices=[('practice', 'practice-oriented'), ('basic', 'basic'), ('targeted', 'targeted'), ('network', 'network')], max_length=16, verbose_name='support model')),
                        ('cross_municipality', models.BooleanField(default=False, help_text='A regional leader school may mentor a school of another municipality of the same region.', verbose_name='mentor from another municipality')),
                        ('mentee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='mentored_by', to='registry.school', verbose_name='supported school')),
                        ('mentor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='mentoring', to='registry.school', verbose_name='mentor school')),
                        ('renewed_from', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='renewal', to='registry.pairing', verbose_name='renews the agreement')),
                    ],
                    options={
                        'db_table': 'support_pairing',
                        'verbose_name': 'pairing',
                        'verbose_name_plural': 'pairings',
                        'ordering': ['mentee__short_name', '-start'],
                        'constraints': [
                            models.CheckConstraint(condition=models.Q(('mentor', models.F('mentee')), _negated=True), name='pairing_two_different_schools', violation_error_message='A school cannot mentor itself.'),
                            models.CheckConstraint(condition=models.Q(('end__isnull', True), ('end__gte', models.F('start')), _connector='OR'), name='pairing_end_not_before_start', violation_error_message='The pairing cannot end before it starts.'),
                            models.CheckConstraint(condition=models.Q(('status', 'active'), ('end__isnull', False), _connector='OR'), name='pairing_closed_has_end', violation_error_message='An ended or renewed agreement needs its end date.'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalPairing',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('agreement_number', models.CharField(blank=True, max_length=50, verbose_name='agreement number')),
                        ('agreement_date', models.DateField(blank=True, null=True, verbose_name='agreement date')),
                        ('basis', models.CharField(blank=True, max_length=500, verbose_name='basis order')),
                        ('start', models.DateField(verbose_name='start')),
                        ('end', models.DateField(blank=True, null=True, verbose_name='end')),
                        ('goals', models.TextField(blank=True, verbose_name='goals')),
                        ('status', models.CharField(choices=[('active', 'active'), ('ended', 'ended'), ('renewed', 'renewed')], default='active', max_length=16, verbose_name='status')),
                        ('support_model', models.CharField(blank=True, choices=[('practice', 'practice-oriented'), ('basic', 'basic'), ('targeted', 'targeted'), ('network', 'network')], max_length=16, verbose_name='support model')),
                        ('cross_municipality', models.BooleanField(default=False, help_text='A regional leader school may mentor a school of another municipality of the same region.', verbose_name='mentor from another municipality')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('mentee', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.school', verbose_name='supported school')),
                        ('mentor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.school', verbose_name='mentor school')),
                        ('renewed_from', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.pairing', verbose_name='renews the agreement')),
                    ],
                    options={
                        'db_table': 'support_historicalpairing',
                        'verbose_name': 'historical pairing',
                        'verbose_name_plural': 'historical pairings',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
        ),
        migrations.RunPython(content_types_to_registry, content_types_to_support),
    ]
