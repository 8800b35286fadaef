cce-passthrough backend bootstrap --bucket acme-pulumi-state --region cn-north-4   # versioned, encrypted, private
cce-passthrough backend url --bucket acme-pulumi-state --region cn-north-4 --prefix dev   # the `pulumi login` URL + env vars
cce-passthrough backend check --bucket acme-pulumi-state --region cn-north-4         # stacks, last update, locks
cce-passthrough backend check --bucket acme-pulumi-state --region cn-north-4 --endpoint https://obs.cn-north-4.myhuaweicloud.com   # another S3 endpoint
