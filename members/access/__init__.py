"""
Access for delegates without Django admin: per organisation, the people who may answer written procedures
for it and read members-only records. The Secretariat gives access (an account, the Board members group,
the person linked, a delegation, an invitation link by e-mail), invites again, removes it; every step is
in the delegation's history. Views `views.py`, forms `forms.py`, steps `services.py`.
"""
