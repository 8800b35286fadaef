"""The rules: the catalogue and every check, the only place a diagnostic code is emitted (no Pulumi)."""
