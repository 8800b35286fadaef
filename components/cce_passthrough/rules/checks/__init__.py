"""Every rule over the typed model; `rules.evaluate` runs them all, once."""
