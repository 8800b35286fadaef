"""Kubernetes name formats that the API server enforces and the OpenAPI schema does not describe (the
schema types these fields as plain strings), so both the rules and the rendered-manifest check need them.
"""

from __future__ import annotations

import re

DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
DNS_1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_LABEL_MAX = 63
PORT_NAME_MAX = 15


def is_dns_1035_label(text: str) -> bool:
    return len(text) <= DNS_LABEL_MAX and bool(DNS_1035_LABEL.match(text))


def is_dns_1123_label(text: str) -> bool:
    return len(text) <= DNS_LABEL_MAX and bool(DNS_1123_LABEL.match(text))


def port_name_problem(text: str) -> str | None:
    """Why `text` is not an IANA_SVC_NAME, the form of a container port name (and of a named
    targetPort), or None when it is one."""
    if len(text) > PORT_NAME_MAX:
        return f"{len(text)} characters; a port name has at most {PORT_NAME_MAX}"
    if not DNS_1123_LABEL.match(text):
        return (
            "only lowercase letters, digits and '-' are allowed, starting and ending with a letter or digit"
        )
    if "--" in text:
        return "'-' may not be next to another '-'"
    if not re.search(r"[a-z]", text):
        return "it needs at least one letter"
    return None
