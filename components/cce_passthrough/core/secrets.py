"""What every output shows in place of a secret value."""

SECRET = "[secret]"
