"""Allow `python -m survey`."""

from survey.cli import command

command()
