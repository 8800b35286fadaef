"""The Pulumi wiring: the component, the program, lookups, the policy pack and the package schema."""
