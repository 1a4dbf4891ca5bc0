"""Allow ``python -m coalition_sim``."""

import sys

from coalition_sim.cli import main

sys.exit(main())
