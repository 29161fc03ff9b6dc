#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Commands run by hand default to development; the production image sets
    # DJANGO_ENV=production, and the web and worker entry points default to it.
    os.environ.setdefault("DJANGO_ENV", "development")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
