"""Every catalogue file validates against its schema, and the body files match docs/CONTRACT.md."""
import datetime as dt

import jsonschema
import pytest
import yaml

from catalogue_testlib import BODIES, CATALOGUE, DATA_FILES, SCHEMAS, body_ids_on_disk, contract_body_ids, load_yaml

# definitions that the other schemas copy from body.schema.yaml
SHARED_DEFINITIONS = ["source_id", "reference", "references", "sourced_text", "law", "role", "deadline"]


def schema(name):
    s = load_yaml(SCHEMAS / name)
    jsonschema.Draft7Validator.check_schema(s)
    return s


def errors(data, s):
    return [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft7Validator(s).iter_errors(data)]


def test_body_validates(body_id):
    assert errors(load_yaml(BODIES / f"{body_id}.yaml"), schema("body.schema.yaml")) == []


@pytest.mark.parametrize("name", sorted(DATA_FILES))
def test_data_file_validates(name):
    assert errors(load_yaml(CATALOGUE / f"{name}.yaml"), schema(DATA_FILES[name])) == []


@pytest.mark.parametrize("name", sorted(DATA_FILES.values()))
def test_shared_definitions_equal_body_schema(name):
    body_defs = schema("body.schema.yaml")["definitions"]
    defs = schema(name)["definitions"]
    for key in SHARED_DEFINITIONS:
        if key in defs:
            assert defs[key] == body_defs[key], f"{name}: definition {key} differs from body.schema.yaml"


def test_schema_rejects_unquoted_date_keys():
    """Dated values must be quoted in YAML; PyYAML turns a bare 2015-01-01 key into a date object."""
    body = load_yaml(BODIES / "bezwaar_ciz.yaml")
    body["deadlines"][0]["values"] = {dt.date(2015, 1, 1): {"value": 6}}
    with pytest.raises((jsonschema.ValidationError, TypeError)):  # a date object is no string key
        jsonschema.validate(body, schema("body.schema.yaml"))


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


def test_every_body_file_is_in_the_contract():
    assert sorted(set(body_ids_on_disk()) - set(contract_body_ids())) == []


def test_contract_list_is_read():
    ids = contract_body_ids()
    assert len(ids) == len(set(ids)) >= 30
    assert {"clientondersteuner", "huisarts_crisis", "zorgverzekeraar_zorgbemiddeling"} <= set(ids)
