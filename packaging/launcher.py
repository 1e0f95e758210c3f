"""Entry point of the packaged app: the window without arguments, the headless commands with them."""

import multiprocessing
import sys

from peerdesk.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
