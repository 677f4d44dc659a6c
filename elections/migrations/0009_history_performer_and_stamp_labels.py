# Who performed each history event: every historical table gains the kind of performer
# (the signed-in staff member, a staff member who re-entered their password, the parent or the
# interpreter on the officer's tablet), the name of a performer without an account, and who was
# signed in on the device. Rows written before stay empty: they were sealed that way and still
# verify (snapshot.audit_events leaves the performer out of an event that has none).
#
# The workflow's stamps (submitted, returned, approved, voided by) get translated labels; that
# changes no column.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('elections', '0008_signature_covers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalchild',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalchild',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalchild',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AddField(
            model_name='historicalelection',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalelection',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalelection',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AddField(
            model_name='historicalelectionchild',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalelectionchild',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalelectionchild',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AddField(
            model_name='historicalfacility',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalfacility',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalfacility',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AddField(
            model_name='historicalfieldoffice',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalfieldoffice',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalfieldoffice',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AddField(
            model_name='historicalinterpreter',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalinterpreter',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalinterpreter',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AddField(
            model_name='historicalnoticeversion',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalnoticeversion',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalnoticeversion',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AddField(
            model_name='historicalparent',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalparent',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalparent',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AddField(
            model_name='historicalparentchild',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalparentchild',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalparentchild',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AddField(
            model_name='historicalsignature',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalsignature',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalsignature',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AddField(
            model_name='historicalstaffprofile',
            name='history_performed_by',
            field=models.CharField(blank=True, choices=[('staff', 'the signed-in staff member'), ('staff_password', 'a staff member who re-entered their password'), ('parent', "the parent, on the officer's tablet"), ('interpreter', "the interpreter, on the officer's tablet")], default='', max_length=16, verbose_name='performed by'),
        ),
        migrations.AddField(
            model_name='historicalstaffprofile',
            name='history_performer_name',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name of the performer'),
        ),
        migrations.AddField(
            model_name='historicalstaffprofile',
            name='history_session_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='signed in on the device'),
        ),
        migrations.AlterField(
            model_name='election',
            name='approved_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by'),
        ),
        migrations.AlterField(
            model_name='election',
            name='returned_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='returned by'),
        ),
        migrations.AlterField(
            model_name='election',
            name='submitted_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by'),
        ),
        migrations.AlterField(
            model_name='election',
            name='voided_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='voided by'),
        ),
        migrations.AlterField(
            model_name='historicalelection',
            name='approved_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='approved by'),
        ),
        migrations.AlterField(
            model_name='historicalelection',
            name='returned_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='returned by'),
        ),
        migrations.AlterField(
            model_name='historicalelection',
            name='submitted_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by'),
        ),
        migrations.AlterField(
            model_name='historicalelection',
            name='voided_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='voided by'),
        ),
    ]
