pulumi login                                # or a DIY backend, see "State backend" below
pulumi stack select --create dev            # stacks/Pulumi.dev.yaml (Pulumi.yaml sets stackConfigDir: stacks)
pulumi config set --secret cce-passthrough:kubeconfig "$(cat ~/.kube/cce-dev.yaml)"   # or use KUBECONFIG
pulumi preview                              # fails with every coded finding when a constraint is broken
pulumi up
