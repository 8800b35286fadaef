"""Pure core: the typed model, CCE versions, diagnostics and the annotation vocabulary (no Pulumi)."""
