"""The render validates each object against kubernetes-validate's strict schema with the references into
the release's definitions inlined once, not looked up in the registry for every object: the same schema,
so the same errors, at the same instance paths, with the same messages as the library's own validator."""

from __future__ import annotations

import copy
import random
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from cce_passthrough.offline.manifests import _formats, _inlined, _schema, is_kubernetes_object, to_manifest
from cce_passthrough.offline.preview import preview
from helpers import ROOT, STACKS

RELEASE, DIRECTORY = "1.30.0", "v1.30.0-local-strict"
REPLACEMENTS: list[Any] = [12, "x", None, [], {"bogus": 1}, -5, 2**40, "UPPER_case", 1.5, True]


def validators(name: str) -> tuple[Any, Any]:
    """(the library's schema with its references resolved by the registry, the inlined one)."""
    schema, definitions = _schema(DIRECTORY, name, RELEASE), _schema(DIRECTORY, "_definitions", RELEASE)
    registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
    by_reference = jsonschema.validators.Draft202012Validator(
        schema, registry=registry, format_checker=_formats()
    )
    inlined = jsonschema.validators.Draft202012Validator(
        _inlined(schema, definitions), registry=registry, format_checker=_formats()
    )
    return by_reference, inlined


def errors(validator: Any, instance: Any) -> list[tuple[list[Any], str]]:
    return sorted((list(error.path), error.message) for error in validator.iter_errors(instance))


def first_error(validator: Any, instance: Any) -> tuple[list[Any], str] | None:
    try:
        validator.validate(instance)
    except jsonschema.ValidationError as error:
        return list(error.path), error.message
    return None


def broken(instance: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """`instance` with one value anywhere in it replaced by one of a wrong type or range, or a field added."""
    copied = copy.deepcopy(instance)
    paths: list[list[Any]] = []

    def walk(value: Any, path: list[Any]) -> None:
        items = (
            value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
        )
        for key, item in items:
            paths.append([*path, key])
            walk(item, [*path, key])

    walk(copied, [])
    *parents, last = rng.choice(paths)
    parent = copied
    for key in parents:
        parent = parent[key]
    if isinstance(parent, dict) and rng.random() < 0.3:
        parent["unknownField"] = 1
    else:
        parent[last] = rng.choice(REPLACEMENTS)
    return copied


def stack_objects() -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for stack in STACKS:
        result = preview(ROOT, stack)
        objects += [to_manifest(r.type, r.inputs) for r in result.resources if is_kubernetes_object(r.type)]
    return objects


SCHEMAS = {"Deployment": "deployment-apps-v1", "Service": "service-v1", "Namespace": "namespace-v1"}


def test_every_object_of_every_stack_and_its_broken_variants_get_the_library_validators_errors() -> None:
    rng = random.Random(13)
    pairs = {kind: validators(name) for kind, name in SCHEMAS.items()}
    checked = 0
    for instance in stack_objects():
        by_reference, inlined = pairs[instance["kind"]]
        for variant in [instance, *(broken(instance, rng) for _ in range(10))]:
            assert errors(inlined, variant) == errors(by_reference, variant)
            assert first_error(inlined, variant) == first_error(by_reference, variant)
            checked += 1
    assert checked > 100


def test_a_recursive_definition_keeps_its_reference_and_validates_as_before() -> None:
    """JSONSchemaProps (a CustomResourceDefinition's openAPIV3Schema) contains itself: the reference back
    into it stays a reference, resolved by the registry."""
    by_reference, inlined = validators("customresourcedefinition-apiextensions-v1")
    crd: dict[str, Any] = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {"spec": {"type": "object", "properties": {"size": {"type": 7}}}},
                        }
                    },
                }
            ],
        },
    }
    found = errors(inlined, crd)
    assert found == errors(by_reference, crd)
    assert [path for path, _ in found] == [
        [
            "spec",
            "versions",
            0,
            "schema",
            "openAPIV3Schema",
            "properties",
            "spec",
            "properties",
            "size",
            "type",
        ]
    ]


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_the_inlined_schema_references_nothing_but_recursive_definitions(kind: str) -> None:
    schema, definitions = (
        _schema(DIRECTORY, SCHEMAS[kind], RELEASE),
        _schema(DIRECTORY, "_definitions", RELEASE),
    )
    references: list[str] = []
    seen: set[int] = set()

    def walk(value: Any) -> None:
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, dict):
            if isinstance(value.get("$ref"), str):
                references.append(value["$ref"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(_inlined(schema, definitions))
    assert references == []
