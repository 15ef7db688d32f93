"""`python -m bantin`: the same command line as `bantin`."""

import sys

from bantin.cli import main

sys.exit(main())
