"""``python -m tests.benchmarks``: see run.py."""

import sys

from .run import main

sys.exit(main())
