# ProjectMerge shares LinkedRecordMerge's fields: moved_children is renamed moved (its data
# kept), binned is added.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0007_one_running_scan'),
    ]

    operations = [
        migrations.RenameField(
            model_name='historicalprojectmerge',
            old_name='moved_children',
            new_name='moved',
        ),
        migrations.RenameField(
            model_name='projectmerge',
            old_name='moved_children',
            new_name='moved',
        ),
        migrations.AddField(
            model_name='historicalprojectmerge',
            name='binned',
            field=models.JSONField(blank=True, default=dict, verbose_name='doublons mis à la corbeille'),
        ),
        migrations.AlterField(
            model_name='historicalprojectmerge',
            name='moved',
            field=models.JSONField(blank=True, default=dict, verbose_name='fiches rattachées déplacées'),
        ),
        migrations.AddField(
            model_name='projectmerge',
            name='binned',
            field=models.JSONField(blank=True, default=dict, verbose_name='doublons mis à la corbeille'),
        ),
        migrations.AlterField(
            model_name='projectmerge',
            name='moved',
            field=models.JSONField(blank=True, default=dict, verbose_name='fiches rattachées déplacées'),
        ),
        migrations.AlterField(
            model_name='historicalprojectmerge',
            name='added_sdgs',
            field=models.JSONField(blank=True, default=list, verbose_name='ODD ajoutés'),
        ),
        migrations.AlterField(
            model_name='historicalprojectmerge',
            name='filled_fields',
            field=models.JSONField(blank=True, default=list, verbose_name='champs complétés'),
        ),
        migrations.AlterField(
            model_name='projectmerge',
            name='added_sdgs',
            field=models.JSONField(blank=True, default=list, verbose_name='ODD ajoutés'),
        ),
        migrations.AlterField(
            model_name='projectmerge',
            name='filled_fields',
            field=models.JSONField(blank=True, default=list, verbose_name='champs complétés'),
        ),
    ]
