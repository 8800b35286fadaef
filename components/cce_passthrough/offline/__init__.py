"""Offline tooling: run the real program through Pulumi's SDK with its mock monitor, no CLI, no cloud."""
