from django.db import migrations, models


class Migration(migrations.Migration):
    """The indexes of composed periods, built after 0013 rebuilt the rollups (one build of
    each, not millions of updates; PostgreSQL builds no index in the transaction that wrote
    the table's rows)."""

    dependencies = [
        ('deals', '0013_composed_periods'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='dealperiod',
            index=models.Index(fields=['kind', 'first', 'pipeline_id', 'responsible_id'], include=('deal', 'opened', 'item_pipeline_id', 'furthest_stage_id', 'furthest_amount', 'furthest_currency', 'outcome_stage_id', 'outcome_at', 'outcome_amount', 'outcome_currency', 'outcome_age', 'outcome_last', 'beaten_before', 'beaten_after', 'outcome_after', 'outcome_after_any'), name='deal_period_people'),
        ),
        migrations.AddIndex(
            model_name='stagemove',
            index=models.Index(fields=['moved_at'], include=('deal', 'lead'), name='move_time'),
        ),
    ]
