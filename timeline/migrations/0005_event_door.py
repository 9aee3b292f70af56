"""Events record the door they came through and for whom (``timeline.doors``).

Events already in history keep an empty ``door``: which door they came through was never
recorded, and guessing "page" would be wrong for those written by the API, the admin or a
script. History shows only their author for them, as it did before.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('timeline', '0004_changes_as_data'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='door',
            field=models.CharField(blank=True, choices=[('page', 'page'), ('api', 'API'), ('admin', 'admin'), ('import', 'import'), ('webform', 'web form'), ('webhook', 'webhook'), ('system', 'system')], max_length=10),
        ),
        migrations.AddField(
            model_name='event',
            name='door_id',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='event',
            name='on_behalf_of',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
