import sys

from peerdesk.cli import main

sys.exit(main())
