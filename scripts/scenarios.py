"""Run scenario files against the assistant: see scenarios/README.md (make scenarios ARGS=...)."""

import sys

from opschaling.scenarios.cli import main  # the project is installed in .venv (pip install -e .)

if __name__ == "__main__":
    sys.exit(main())
