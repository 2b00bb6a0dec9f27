"""Run scenario files against the assistant: see scenarios/README.md (make scenarios ARGS=...)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from opschaling.scenarios.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
