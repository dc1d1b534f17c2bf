"""The request/response loop shared by the Python peer helpers (pymacaroons, libmacaroons via ctypes).

A request is one JSON object on stdin, {"op": "mint", "plans": [...]} or {"op": "verify", "cases": [...]};
the answer is one JSON object on stdout, {"results": [...]}, one result per plan or case, in order.
See scripts/vectors/README.md (in vectors/README.md) for the shapes.
"""
import json
import sys
import traceback


def as_bytes(value):
    """A protocol byte string: {"text": "..."} (UTF-8) or {"hex": "..."}."""
    if 'text' in value:
        return value['text'].encode('utf-8')
    return bytes.fromhex(value['hex'])


def prefix_check(value):
    prefix = value.encode('utf-8')

    def check(predicate):
        if isinstance(predicate, str):
            predicate = predicate.encode('utf-8')
        return predicate.startswith(prefix)
    return check


def general_checks(specs):
    checks = []
    for spec in specs:
        if spec['kind'] != 'prefix':
            raise ValueError('unknown general check kind %r' % spec['kind'])
        checks.append(prefix_check(spec['value']))
    return checks


def describe(error):
    return '%s: %s' % (type(error).__name__, str(error)[:300])


def serve(mint_plan, verify_case):
    request = json.load(sys.stdin)
    results = []
    if request['op'] == 'mint':
        for plan in request['plans']:
            try:
                results.append(mint_plan(plan))
            except Exception as e:  # one bad plan must not hide the others' results
                results.append({'error': describe(e), 'trace': traceback.format_exc(limit=3)})
    elif request['op'] == 'verify':
        for case in request['cases']:
            results.append(verify_case(case))
    else:
        raise ValueError('unknown op %r' % request['op'])
    json.dump({'results': results}, sys.stdout)
