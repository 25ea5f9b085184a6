# Two branches of work each added a migration after 0007: the search vectors and the written procedures.
# They touch different columns; this joins them.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0008_search_vectors"),
        ("decisions", "0008_written_procedures"),
    ]

    operations = []
