"""
Authenticators set up before django-two-factor-auth: the library asks for the device named
"default". Each user's first confirmed TOTP device becomes it; unconfirmed leftovers (made by the
old setup page on a GET) are removed.
"""

from django.db import migrations


def name_default_devices(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    TOTPDevice.objects.filter(confirmed=False).delete()
    seen = set()
    for device in TOTPDevice.objects.order_by("user_id", "id"):
        if device.user_id in seen:
            continue
        seen.add(device.user_id)
        if device.name != "default":
            device.name = "default"
            device.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("otp_totp", "0003_add_timestamps")]

    operations = [migrations.RunPython(name_default_devices, migrations.RunPython.noop)]
