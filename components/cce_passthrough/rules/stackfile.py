"""Stack and project files as YAML, read with bounds: what a hostile or careless file can cost is fixed
before anything is built from it, and what YAML allows but Pulumi config cannot mean is a finding.

Two passes over the text. The first walks libyaml's event stream, which holds nothing but the current
event, and refuses a document whose alias expansion, nesting or size passes `LIMITS` (PT907) before a
single node is built: an alias bomb costs the events it has, never its expansion. The second composes
the node graph and checks it (PT908 duplicate keys, PT909 tags, PT910 keys that are not strings, PT911
numbers no setting can hold); only a clean graph is turned into Python values. Pure: no Pulumi import.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import yaml

from ..core.diagnostics import Diagnostic, shown
from .catalogue import rule

# libyaml when PyYAML was built with it: ten times faster on a stack of a hundred services.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML = "tag:yaml.org,2002:"
STR, MAP, SEQ, MERGE, VALUE = (f"{_YAML}{t}" for t in ("str", "map", "seq", "merge", "value"))
NUMBERS = (f"{_YAML}int", f"{_YAML}float")
# What a Pulumi config value can be: JSON's types, plus timestamps, which reach the program as text.
ACCEPTED_TAGS = frozenset(
    f"{_YAML}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


@dataclass(frozen=True)
class Limits:
    """What one stack or project file may cost. A stack of 10,000 services (issue 13's fleet) stays below
    each: the bench's has about 300,000 values in 2.5 MB, one written like stacks/Pulumi.dev.yaml about
    450,000 in 7 MB. What they stop is alias expansion, which a file's size alone does not bound."""

    file_bytes: int = 16 * 1024 * 1024
    """Bytes read from the file at most; a larger file is refused unread."""
    nodes: int = 2_000_000
    """YAML nodes after expanding every alias (a 100-service stack has about 3,000 to 6,000)."""
    text: int = 32 * 1024 * 1024
    """Characters of keys and scalars after expanding every alias: what the program is handed at most."""
    depth: int = 64
    """Nesting of mappings and sequences (a stack file needs about 10)."""
    number_chars: int = 64
    """Characters of one number: enough for any value a setting takes, too few for a costly conversion."""


LIMITS = Limits()


class StackFileError(Exception):
    """A project or stack file that cannot be used at all: the command cannot run (exit 2)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic
        super().__init__(f"{diagnostic.code} {diagnostic.message} Fix: {diagnostic.fix}")


def unreadable(name: str, reason: str, fix: str | None = None) -> StackFileError:
    return StackFileError(rule("PT905").finding(None, name, f"{name}: {reason}.", fix))


def malformed(name: str, reason: str, fix: str | None = None) -> StackFileError:
    return StackFileError(rule("PT906").finding(None, name, f"{name} {reason}.", fix))


def beyond_limits(name: str, message: str, fix: str) -> StackFileError:
    """PT907: a file past a limit of `LIMITS`, refused unread."""
    return StackFileError(rule("PT907").finding(None, name, message, fix))


def _beyond(name: str, line: int, what: str, fix: str) -> StackFileError:
    return beyond_limits(name, f"{name} line {line}: {what}; refused unread.", fix)


def _line(event_or_node: Any) -> int:
    mark = getattr(event_or_node, "start_mark", None)
    return mark.line + 1 if mark is not None else 0


def scan(text: str, name: str, limits: Limits = LIMITS) -> None:
    """First pass: raise StackFileError (PT907) when the document, aliases expanded, passes a limit;
    yaml.YAMLError when it is not YAML. Holds one event at a time, whatever the file expands to."""
    anchored: dict[str, tuple[int, int]] = {}  # anchor -> (nodes, characters) of its expansion
    open_anchors: Counter[str] = Counter()
    frames: list[tuple[str | None, int, int]] = []
    nodes = chars = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.AliasEvent):
            anchor = str(event.anchor)
            if open_anchors[anchor]:
                raise _beyond(
                    name,
                    _line(event),
                    f"alias *{anchor} refers to a node that contains it (an endless value)",
                    f"Replace *{anchor} with the value it should hold.",
                )
            size = anchored.get(anchor)
            if size is not None:  # an undefined alias is the composer's error, with its own message
                nodes, chars = nodes + size[0], chars + size[1]
        elif isinstance(event, yaml.ScalarEvent):
            nodes, chars = nodes + 1, chars + len(event.value)
            if event.anchor:
                anchored[event.anchor] = (1, len(event.value))
        elif isinstance(event, yaml.CollectionStartEvent):
            nodes += 1
            frames.append((event.anchor, nodes, chars))
            if event.anchor:
                open_anchors[event.anchor] += 1
            if len(frames) > limits.depth:
                raise _beyond(
                    name,
                    _line(event),
                    f"nested more than {limits.depth} levels deep",
                    "Flatten the value; no setting is nested this deep.",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            opened, nodes_before, chars_before = frames.pop()
            if opened:
                open_anchors[opened] -= 1
                anchored[opened] = (nodes - nodes_before + 1, chars - chars_before)
        if nodes > limits.nodes or chars > limits.text:
            raise _beyond(
                name,
                _line(event),
                f"with its aliases expanded the document passes {limits.nodes:,} values or "
                f"{limits.text:,} characters",
                "Write the values out without aliases that expand to such a size; "
                "a stack file this large is not a stack file.",
            )


@dataclass
class _Walk:
    """Second pass: every node once (aliases share nodes), with the config path it is first reached by."""

    project: str
    findings: list[Diagnostic]
    limits: Limits
    seen: set[int]

    def finding(self, code: str, path: str, resource: str | None, message: str, fix: str) -> None:
        self.findings.append(rule(code).finding(resource, path, message, fix))

    def visit(self, node: yaml.Node, path: str, resource: str | None) -> None:
        if id(node) in self.seen:
            return
        self.seen.add(id(node))
        where = path or "(document)"
        if node.tag not in ACCEPTED_TAGS:
            tag = node.tag.removeprefix(_YAML)
            tag = f"!!{tag}" if tag != node.tag else tag
            self.finding(
                "PT909",
                where,
                resource,
                f"line {_line(node)}: the YAML tag {shown(tag)} makes a value Pulumi config cannot hold "
                "(only strings, numbers, booleans, null, lists and mappings).",
                "Remove the tag and write the value as plain text, a number, a list or a mapping.",
            )
            return
        if isinstance(node, yaml.ScalarNode):
            if node.tag in NUMBERS and len(node.value) > self.limits.number_chars:
                self.finding(
                    "PT911",
                    where,
                    resource,
                    f"line {_line(node)}: a number of {len(node.value):,} characters; no setting takes "
                    "a number this large.",
                    "Use a number in the range the setting documents.",
                )
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.visit(item, f"{path}[{index}]", resource)
        elif isinstance(node, yaml.MappingNode):
            self._mapping(node, path, resource)

    def _mapping(self, node: yaml.MappingNode, path: str, resource: str | None) -> None:
        first_line: dict[str, int] = {}
        for key, value in node.value:
            if key.tag == MERGE:  # `<<: *base`: the keys of `base`, overridden by those written here
                self.visit(value, path, resource)
                continue
            if not isinstance(key, yaml.ScalarNode) or key.tag not in (STR, VALUE):
                self._key_not_a_string(key, path, resource)
                continue
            child = self._child(path, key.value)
            if key.value in first_line:
                self.finding(
                    "PT908",
                    child,
                    resource,
                    f"line {_line(key)}: key {shown(key.value)} is already set on line "
                    f"{first_line[key.value]}; YAML keeps only one of them (the Pulumi CLI refuses the file).",
                    f"Keep one {shown(key.value)} and delete the other.",
                )
                continue
            first_line[key.value] = _line(key)
            self.visit(value, child, resource)

    def _key_not_a_string(self, key: yaml.Node, path: str, resource: str | None) -> None:
        if isinstance(key, yaml.ScalarNode):
            kind = key.tag.removeprefix(_YAML)
            text, kind = str(key.value), f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"
        else:
            text, kind = "(a list or mapping)", "a list or mapping"
        self.finding(
            "PT910",
            self._child(path, text),
            resource,
            f"line {_line(key)}: key {shown(text)} is read as {kind}, not as a string; Pulumi config "
            "keys are strings, and YAML would change this one on its way to the program.",
            "Quote the key (write it in double quotes) or correct it.",
        )

    def _child(self, path: str, key: str) -> str:
        if path == "":
            return key
        if path == "config":
            # `cce-passthrough:services` is `services` in every finding of the program
            namespace, _, bare = key.partition(":")
            return bare if bare and namespace == self.project else key
        if re.fullmatch(r"[A-Za-z0-9_-]+", key) and not path.endswith("annotations"):
            return f"{path}.{key}"
        return f"{path}[{json.dumps(key, ensure_ascii=False)}]"

    @staticmethod
    def service_names(services: yaml.SequenceNode) -> dict[int, str]:
        names: dict[int, str] = {}
        for index, item in enumerate(services.value):
            if isinstance(item, yaml.MappingNode):
                for key, value in item.value:
                    if key.value == "name" and isinstance(value, yaml.ScalarNode) and value.tag == STR:
                        names[index] = value.value
        return names


def _services(root: yaml.Node, project: str) -> yaml.SequenceNode | None:
    """The first `services` list of the stack's config (a second one is a duplicate key)."""
    if not project or not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "config" and isinstance(value, yaml.MappingNode):
            for config_key, config_value in value.value:
                if isinstance(config_key, yaml.ScalarNode) and config_key.value in (
                    "services",
                    f"{project}:services",
                ):
                    return config_value if isinstance(config_value, yaml.SequenceNode) else None
            return None
    return None


def load(text: str, name: str, project: str = "", limits: Limits = LIMITS) -> tuple[Any, list[Diagnostic]]:
    """(the document as Python values, findings). With any finding the values are None: a file that YAML
    would read differently from the Pulumi CLI is not previewed. Raises StackFileError (exit 2) for text
    that is not YAML or passes a limit; `project` names the config namespace whose keys paths drop."""
    try:
        scan(text, name, limits)
        loader = _LOADER(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return None, []
            walk = _Walk(project, [], limits, set())
            services = _services(root, project)
            if services is not None:
                # first, so that a finding inside services[i] names that service, as the program does
                names = walk.service_names(services)
                for index, item in enumerate(services.value):
                    walk.visit(item, f"services[{index}]", names.get(index))
            walk.visit(root, "", None)
            if walk.findings:
                return None, walk.findings
            return loader.construct_document(root), []
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise malformed(name, f"{where} is not valid YAML: {problem}".lstrip()) from None
