"""The command line and its writers."""
