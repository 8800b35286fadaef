"""The rules, evaluated purely: one case per documented behaviour, and its neighbour."""
