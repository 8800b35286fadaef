pulumi package add /path/to/cce-passthrough                    # a clone, run where it is
pulumi package add https://<git host>/<owner>/cce-passthrough    # newest vX.Y.Z tag, else the head commit
pulumi package add https://<git host>/<owner>/cce-passthrough@<40-hex commit id>   # one fixed commit
