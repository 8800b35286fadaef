"""The rules as a CrossGuard policy pack: any program's LoadBalancer Services with `kubernetes.io/elb.*`
annotations, checked by `pulumi preview --policy-pack policy/` (see policy/ at the repository root)."""
