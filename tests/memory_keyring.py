"""A keyring backend holding one user password, for testing the CLI's keyring path."""

import os

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        if service == "PeerDesk" and username == "user:" + os.environ.get("TEST_KEYRING_USER", ""):
            return os.environ.get("TEST_KEYRING_PASSWORD")
        return None

    def set_password(self, service, username, password):
        raise NotImplementedError

    def delete_password(self, service, username):
        raise NotImplementedError
