"""Moving data in and out: the import wizard (register lists export by themselves)."""
