"""The Pulumi wiring: the component, the program, lookups, the policy pack, the schema, the launch."""
