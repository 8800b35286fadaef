pip install /path/to/cce-passthrough                                          # a clone
pip install "cce-passthrough @ git+https://<git host>/<owner>/cce-passthrough"   # the default branch
pip install "cce-passthrough @ git+https://<git host>/<owner>/cce-passthrough@<commit id>"
