"""``python -m services`` is the ``lookout`` command."""

from services.cli import main

main()
