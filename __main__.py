"""The cce-passthrough Pulumi program: `pulumi up` with a stack from `stacks/`."""

from cce_passthrough.wiring.program import main

main()
