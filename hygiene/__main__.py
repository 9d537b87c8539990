import sys

from hygiene.cli import main

sys.exit(main())
