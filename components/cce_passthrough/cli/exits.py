"""The command line's exit codes, one meaning each: 0 done, 1 findings (errors in the configuration or the
cluster), 2 the command cannot run (bad arguments, unusable files, a missing extra)."""

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2
