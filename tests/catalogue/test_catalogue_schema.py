"""Every catalogue file validates against its schema; all schemas share one definitions file by $ref."""

import copy
import datetime as dt

import jsonschema
import pytest
import yaml
from catalogue_testlib import BODIES, CATALOGUE, SCHEMAS, body_ids_on_disk, contract_body_ids, load_yaml

from opschaling.catalogue import schema_validator

# catalogue file (without .yaml) -> its schema file; the bodies use body.schema.yaml
FILES = {
    "routes": "routes.schema.yaml",
    "questions": "questions.schema.yaml",
    "explanations": "explanations.schema.yaml",
    "jargon": "jargon.schema.yaml",
    "zorgplicht": "zorgplicht.schema.yaml",
    "woonzorgplek": "woonzorgplek.schema.yaml",
    "complexe_casuistiek": "complexe_casuistiek.schema.yaml",
    "clientondersteuning_wlz": "clientondersteuning_wlz.schema.yaml",
    "sources": "sources.schema.yaml",
    "facts": "facts.schema.yaml",
    "texts": "texts.schema.yaml",
}
SHARED = load_yaml(SCHEMAS / "definitions.schema.yaml")["definitions"]


def errors(data, schema_name):
    return [f"{list(e.absolute_path)}: {e.message}" for e in schema_validator(schema_name).iter_errors(data)]


def test_body_validates(body_id):
    assert errors(load_yaml(BODIES / f"{body_id}.yaml"), "body.schema.yaml") == []


@pytest.mark.parametrize("name", sorted(FILES))
def test_data_file_validates(name):
    assert errors(load_yaml(CATALOGUE / f"{name}.yaml"), FILES[name]) == []


def test_every_catalogue_file_has_a_schema():
    files = {p.stem for p in CATALOGUE.glob("*.yaml")}
    assert files - set(FILES) == set()


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.schema.yaml")), ids=lambda p: p.name)
def test_schemas_do_not_copy_the_shared_definitions(path):
    """Shared definitions live once, in definitions.schema.yaml; other schemas point at them."""
    if path.name == "definitions.schema.yaml":
        return
    local = load_yaml(path).get("definitions") or {}
    assert set(local) & set(SHARED) == set()
    for ref in _refs(load_yaml(path)):
        name = ref.rsplit("/", 1)[-1]
        if name in SHARED:
            assert ref == f"definitions.schema.yaml#/definitions/{name}", (path.name, ref)


def test_a_shared_definition_is_enforced_through_the_ref():
    """An unknown source id in a woonzorgplek reference fails via definitions.schema.yaml#/definitions/source_id."""
    data = copy.deepcopy(load_yaml(CATALOGUE / "woonzorgplek.yaml"))
    data["metadata"]["reference"][0]["source"] = "S9"
    assert any("S9" in e for e in errors(data, "woonzorgplek.schema.yaml"))


def test_a_text_is_checked_through_the_shared_user_text_definition():
    """texts.yaml: a text with white space at its end, a key that is no snake_case, a je form without u, a long
    situation label all fail."""
    base = load_yaml(CATALOGUE / "texts.yaml")
    assert errors(base, "texts.schema.yaml") == []
    for change in (
        lambda d: d["texts"].update(greeting="Hallo! "),
        lambda d: d["texts"].update(Greeting="Hallo!"),
        lambda d: d["texts"].update(greeting={"je": "Hoi!"}),
        lambda d: d["situation_labels"].update(geen_plek="We vinden geen plek " * 5),
    ):
        data = copy.deepcopy(base)
        change(data)
        assert errors(data, "texts.schema.yaml"), change


def test_a_route_rung_needs_a_body_or_a_template():
    data = copy.deepcopy(load_yaml(CATALOGUE / "routes.yaml"))
    data["situations"]["besluit_oneens"]["rungs"].append({"reason": "Zonder instantie."})
    assert errors(data, "routes.schema.yaml")


def test_a_role_outside_the_vocabulary_is_rejected():
    body = copy.deepcopy(load_yaml(BODIES / "juiste_loket.yaml"))
    body["who_may_submit"]["roles"] = ["buurman"]
    assert errors(body, "body.schema.yaml")


def test_schema_rejects_unquoted_date_keys():
    """Dated values must be quoted in YAML; PyYAML turns a bare 2015-01-01 key into a date object."""
    body = load_yaml(BODIES / "bezwaar_ciz.yaml")
    body["deadlines"][0]["values"] = {dt.date(2015, 1, 1): {"value": 6}}
    with pytest.raises((jsonschema.ValidationError, TypeError)):  # a date object is no string key
        schema_validator("body.schema.yaml").validate(body)


class _NoDuplicateKeysLoader(yaml.SafeLoader):
    pass


def _mapping_without_duplicates(loader, node, deep=False):
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"duplicate keys {duplicates} at line {node.start_mark.line + 1}")
    return loader.construct_mapping(node, deep)


_NoDuplicateKeysLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


@pytest.mark.parametrize("path", sorted(CATALOGUE.rglob("*.yaml")), ids=lambda p: str(p.relative_to(CATALOGUE)))
def test_no_duplicate_keys(path):
    """PyYAML silently keeps the last of two equal keys; a duplicate would hide data."""
    with open(path, encoding="utf-8") as fh:
        yaml.load(fh, Loader=_NoDuplicateKeysLoader)


def test_every_contract_body_has_a_file():
    assert sorted(set(contract_body_ids()) - set(body_ids_on_disk())) == []
