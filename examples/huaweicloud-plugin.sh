pulumi plugin install resource huaweicloud 0.0.12 \
  --server https://github.com/huaweicloud/pulumi-huaweicloud/releases/download/v0.0.12
pulumi config set --secret huaweicloud:accessKey "$HW_ACCESS_KEY"   # or HW_ACCESS_KEY
pulumi config set --secret huaweicloud:secretKey "$HW_SECRET_KEY"   # or HW_SECRET_KEY
