#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iisg_portal.settings")
    # A developer's checkout with nothing configured runs with DEBUG on (SQLite, development key).
    # Once SECRET_KEY is in the environment (a server), DEBUG stays off unless asked for.
    # The web server (wsgi.py, asgi.py) never defaults to DEBUG.
    if "DEBUG" not in os.environ and "SECRET_KEY" not in os.environ:
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
