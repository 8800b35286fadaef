"""The pure core: model, paths, spelling."""
