"""
No models: the site composes those of the domain apps. This module makes `migrate` send its
post_migrate signal for this app too, last of the portal's apps, when every permission exists:
portal.apps syncs the role groups with the permissions table then (portal/permissions.py).
"""
