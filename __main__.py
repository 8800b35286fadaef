"""This directory is a Pulumi project and a Pulumi plugin, and Pulumi runs this file in both roles
(cce_passthrough.wiring.launch): the program for `pulumi up` here, with a stack from `stacks/`; the
component provider for `pulumi package add <this repository>`."""

from cce_passthrough.wiring.launch import main

main()
