#!/usr/bin/env python3
"""Validates heapsim's machine-readable output against the schemas in docs/schema.

  validate.py SCHEMA FILE...      each FILE must be exactly one JSON document
                                  that SCHEMA accepts (format checks included)
  validate.py --check-schema SCHEMA   SCHEMA is itself a valid JSON Schema

Exit 0: all valid; 1: a file is not one JSON document or fails the schema
(each error printed with its JSON path); 77: no jsonschema module (ctest
reports the test as skipped; scripts/setup installs python3-jsonschema).
"""
import json
import os
import sys


def load_jsonschema():
    try:
        import jsonschema  # noqa: F401
        return jsonschema
    except ImportError:
        pass
    # A python3 earlier on PATH (pyenv, venv) may lack Debian's module.
    system = '/usr/bin/python3'
    if os.path.realpath(sys.executable) != os.path.realpath(system) and os.path.exists(system) \
            and not os.environ.get('HEAPSIM_VALIDATE_REEXEC'):
        os.environ['HEAPSIM_VALIDATE_REEXEC'] = '1'
        os.execv(system, [system] + sys.argv)
    print('SKIP: python3 has no jsonschema module (apt-get install python3-jsonschema)')
    sys.exit(77)


def one_document(path):
    """The file's single JSON value; trailing text (a second document, a trace line) is an error."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    decoder = json.JSONDecoder()
    value, end = decoder.raw_decode(text.lstrip())
    rest = text.lstrip()[end:].strip()
    if rest:
        raise ValueError(f'more than one JSON document (then: {rest[:60]!r})')
    return value


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    jsonschema = load_jsonschema()
    check_only = argv[1] == '--check-schema'
    if check_only:
        argv = argv[1:]
    with open(argv[1], encoding='utf-8') as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f'{argv[1]}: not a valid JSON Schema: {e.message}')
        return 1
    if check_only:
        print(f'{argv[1]}: a valid {cls.__name__} schema')
        return 0
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    bad = 0
    for path in argv[2:]:
        try:
            doc = one_document(path)
        except (OSError, ValueError) as e:
            print(f'{path}: not one JSON document: {e}')
            bad += 1
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors[:20]:
            where = '/'.join(str(p) for p in e.absolute_path) or '(root)'
            print(f'{path}: {where}: {e.message[:300]}')
        if errors:
            bad += 1
        else:
            print(f'{path}: valid ({os.path.basename(argv[1])})')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
