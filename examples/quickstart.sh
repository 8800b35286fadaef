make preview   # creates .venv, installs, previews stack `dev` offline (no cloud account, no Pulumi CLI)
make test      # creates .venv, installs, runs the whole test suite
