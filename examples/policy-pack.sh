(cd policy && pulumi install)   # creates policy/venv, installs policy/requirements.txt: pulumi-policy and `-e ..`
pulumi preview --policy-pack ./policy --policy-pack-config examples/policy-pack/cluster.json
