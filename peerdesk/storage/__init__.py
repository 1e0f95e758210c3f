"""Where the data lives: configuration, encryption keys, engines, migrations and backups."""
