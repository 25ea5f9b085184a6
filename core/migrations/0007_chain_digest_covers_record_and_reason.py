"""
The chain digest now covers the record (kind and pk) and the reason of each link (core/chain.py
`link_digest`): the links made before are recomputed, in order, chain by chain.
"""

import hashlib

from django.db import migrations


def _link_digest(previous, link):
    # A copy of core.chain.link_digest as it is at this migration (a migration never imports live code).
    parts = [
        previous or "",
        str(link.number),
        link.audience,
        link.state,
        link.content_digest,
        link.published_at.isoformat(),
        link.record_kind,
        str(link.record_pk),
        link.reason,
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def recompute(apps, schema_editor):
    RecordVersion = apps.get_model("core", "RecordVersion")
    previous_digest = {}
    for link in RecordVersion.objects.order_by("record_kind", "record_pk", "audience", "number"):
        key = (link.record_kind, link.record_pk, link.audience)
        link.chain_digest = _link_digest(previous_digest.get(key, ""), link)
        previous_digest[key] = link.chain_digest
        link.save(update_fields=["chain_digest"])


class Migration(migrations.Migration):
    dependencies = [("core", "0006_record_versions")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
