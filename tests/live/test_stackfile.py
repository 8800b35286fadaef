"""adopt --write edits the stack file in place: comments, key order and quoting kept; a link, a file that
changed meanwhile, or a service of the same name refuses the write and leaves the file as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cce_passthrough.live.stackfile import (
    StackFileRefusedError,
    add_service,
    read_regular,
    replace_if_unchanged,
    write_entry,
)

STACK = """\
# dev: the page's example  (a comment adopt must keep)
config:
  huaweicloud:region: cn-north-4
  cce-passthrough:cluster:
    version: v1.28   # patch level unknown
    flavor: standard
    kubeProxyMode: iptables
  cce-passthrough:services:
    - name: web
      image: "nginx:1.27"
      ports:
        - {name: http, port: 80}
      elb: {class: shared, autocreate: {type: inner}}
"""
ENTRY = {
    "name": "nginx",
    "namespace": "default",
    "image": "nginx:latest",
    "ports": [{"name": "service0", "port": 80, "targetPort": 80, "protocol": "TCP"}],
    "elb": {"class": "shared", "autocreateJson": '{"type":"inner","name":"james"}'},
}


def test_the_entry_is_appended_and_every_comment_and_key_order_kept(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(STACK)
    write_entry(path, ENTRY)
    text = path.read_text()
    assert text.startswith(STACK)  # everything before, byte for byte
    assert yaml.safe_load(text)["config"]["cce-passthrough:services"][1] == ENTRY
    assert "# patch level unknown" in text


def test_a_symbolic_link_is_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.yaml"
    target.write_text(STACK)
    link = tmp_path / "Pulumi.dev.yaml"
    link.symlink_to(target)
    with pytest.raises(StackFileRefusedError, match="symbolic link"):
        write_entry(link, ENTRY)
    assert target.read_text() == STACK


def test_a_file_that_changed_since_it_was_read_is_not_written_over(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(STACK)
    original = read_regular(path)
    new = add_service(original, ENTRY, path)
    path.write_text(STACK + "# edited meanwhile\n")
    with pytest.raises(StackFileRefusedError, match="changed"):
        replace_if_unchanged(path, original, new)
    assert path.read_text().endswith("# edited meanwhile\n")
    assert [p.name for p in tmp_path.iterdir()] == ["Pulumi.dev.yaml"]  # no temporary file left


def test_a_service_of_the_same_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(STACK)
    with pytest.raises(StackFileRefusedError, match="already has a service 'web'"):
        write_entry(path, {**ENTRY, "name": "web"})
    assert path.read_text() == STACK


def test_the_file_mode_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(STACK)
    path.chmod(0o600)
    write_entry(path, ENTRY)
    assert path.stat().st_mode & 0o777 == 0o600


def test_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text("config: [unclosed\n")
    with pytest.raises(StackFileRefusedError, match="not readable YAML"):
        write_entry(path, ENTRY)
