"""Start the PeerDesk window (same as the `peerdesk` command without arguments)."""

import sys

from peerdesk.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
