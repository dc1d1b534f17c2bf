"""libmacaroons 0.3 (Debian libmacaroons0, V1 only) as a peer, through ctypes on libmacaroons.so.0.

Mints plans and verifies cases (protocol in peer_protocol.py). libmacaroons 0.3 writes V1 binary (as
URL-safe base64) and, when built with JSON support, V1 JSON.
"""
import ctypes
import sys

from peer_protocol import as_bytes, describe, general_checks, serve

lib = ctypes.CDLL('libmacaroons.so.0')
P = ctypes.c_void_p
SZ = ctypes.c_size_t
BUF = ctypes.c_char_p
ERR = ctypes.POINTER(ctypes.c_int)
SUCCESS = 2048
RETURN_CODES = {2049: 'OUT_OF_MEMORY', 2050: 'HASH_FAILED', 2051: 'INVALID', 2052: 'TOO_MANY_CAVEATS',
                2053: 'CYCLE', 2054: 'BUF_TOO_SMALL', 2055: 'NOT_AUTHORIZED', 2056: 'NO_JSON_SUPPORT'}
GENERAL_CHECK = ctypes.CFUNCTYPE(ctypes.c_int, P, ctypes.POINTER(ctypes.c_ubyte), SZ)


def declare(name, restype, *argtypes):
    fn = getattr(lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)
    return fn


create = declare('macaroon_create', P, BUF, SZ, BUF, SZ, BUF, SZ, ERR)
destroy = declare('macaroon_destroy', None, P)
add_first = declare('macaroon_add_first_party_caveat', P, P, BUF, SZ, ERR)
add_third = declare('macaroon_add_third_party_caveat', P, P, BUF, SZ, BUF, SZ, BUF, SZ, ERR)
prepare = declare('macaroon_prepare_for_request', P, P, P, ERR)
serialize_size = declare('macaroon_serialize_size_hint', SZ, P)
serialize = declare('macaroon_serialize', ctypes.c_int, P, ctypes.c_char_p, SZ, ERR)
serialize_json_size = declare('macaroon_serialize_json_size_hint', SZ, P)
serialize_json = declare('macaroon_serialize_json', ctypes.c_int, P, ctypes.c_char_p, SZ, ERR)
deserialize = declare('macaroon_deserialize', P, BUF, ERR)
signature = declare('macaroon_signature', None, P, ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)),
                    ctypes.POINTER(SZ))
verifier_create = declare('macaroon_verifier_create', P)
verifier_destroy = declare('macaroon_verifier_destroy', None, P)
satisfy_exact = declare('macaroon_verifier_satisfy_exact', ctypes.c_int, P, BUF, SZ, ERR)
satisfy_general = declare('macaroon_verifier_satisfy_general', ctypes.c_int, P, GENERAL_CHECK, P, ERR)
verify = declare('macaroon_verify', ctypes.c_int, P, P, BUF, SZ, ctypes.POINTER(P), SZ, ERR)


class LibError(Exception):
    pass


def checked(result, err, what):
    if err.value != SUCCESS or not result:
        raise LibError('%s: %s' % (what, RETURN_CODES.get(err.value, err.value)))
    return result


def call(fn, what, *args):
    err = ctypes.c_int(SUCCESS)
    return checked(fn(*args, ctypes.byref(err)), err, what)


def call_rc(fn, what, *args):
    err = ctypes.c_int(SUCCESS)
    if fn(*args, ctypes.byref(err)) != 0:
        raise LibError('%s: %s' % (what, RETURN_CODES.get(err.value, err.value)))


def mint_one(spec):
    loc, key, ident = spec['location'].encode(), as_bytes(spec['key']), as_bytes(spec['id'])
    m = call(create, 'create', loc, len(loc), key, len(key), ident, len(ident))
    for c in spec.get('caveats', []):
        if 'predicate' in c:
            p = as_bytes(c['predicate'])
            nxt = call(add_first, 'add_first_party_caveat', m, p, len(p))
        else:
            cl, ck, cid = c['location'].encode(), as_bytes(c['key']), as_bytes(c['id'])
            nxt = call(add_third, 'add_third_party_caveat', m, cl, len(cl), ck, len(ck), cid, len(cid))
        destroy(m)
        m = nxt
    return m


def to_text(m, fmt):
    size_hint, write = (serialize_size, serialize) if fmt == 'v1' else (serialize_json_size, serialize_json)
    size = size_hint(m) + 1
    buf = ctypes.create_string_buffer(size)
    err = ctypes.c_int(SUCCESS)
    if write(m, buf, size, ctypes.byref(err)) < 0:
        raise LibError('serialize %s: %s' % (fmt, RETURN_CODES.get(err.value, err.value)))
    return buf.value.decode('ascii')


def signature_hex(m):
    ptr = ctypes.POINTER(ctypes.c_ubyte)()
    size = SZ()
    signature(m, ctypes.byref(ptr), ctypes.byref(size))
    return bytes(ptr[:size.value]).hex()


def mint_plan(plan):
    if plan['version'] != 1:
        return {'outputs': {}, 'skipped': 'libmacaroons 0.3 writes V1 only'}
    root = mint_one(plan['root'])
    discharges = []
    for d in plan.get('discharges', []):
        dm = mint_one(d)
        if d.get('bind', True):
            bound = call(prepare, 'prepare_for_request', root, dm)
            destroy(dm)
            dm = bound
        discharges.append(dm)
    outputs, errors = {}, {}
    for fmt in plan['formats']:
        if fmt not in ('v1', 'v1j'):
            continue
        try:
            outputs[fmt] = {'root': to_text(root, fmt), 'discharges': [to_text(d, fmt) for d in discharges]}
        except LibError as e:
            errors[fmt] = str(e)
    result = {'outputs': outputs, 'errors': errors, 'signature': signature_hex(root),
              'dischargeSignatures': [signature_hex(d) for d in discharges]}
    for m in [root] + discharges:
        destroy(m)
    return result


def parse(text, fmt):
    # 0.3 has no macaroon_deserialize_json; macaroon_deserialize reads V1 base64 (and JSON when built with it).
    return call(deserialize, 'deserialize', text.encode('utf-8'))


def verify_case(case):
    fmt = case['format']
    parsed = []
    try:
        for text in [case['root']] + case.get('discharges', []):
            parsed.append(parse(text, fmt))
    except LibError as e:
        for m in parsed:
            destroy(m)
        return {'verdict': 'decode-error', 'message': describe(e)}
    root, discharges = parsed[0], parsed[1:]
    checks = general_checks(case.get('general', []))
    # libmacaroons calls back with (context, predicate, size) and wants 0 for "satisfied".
    callbacks = [GENERAL_CHECK(lambda _f, pred, size, check=check: 0 if check(bytes(pred[:size])) else -1)
                 for check in checks]
    v = verifier_create()
    try:
        for p in case.get('exact', []):
            b = as_bytes(p)
            call_rc(satisfy_exact, 'satisfy_exact', v, b, len(b))
        for cb in callbacks:
            call_rc(satisfy_general, 'satisfy_general', v, cb, None)
        key = as_bytes(case['rootKey'])
        array = (P * max(1, len(discharges)))(*discharges)
        err = ctypes.c_int(SUCCESS)
        rc = verify(v, root, key, len(key), array, len(discharges), ctypes.byref(err))
        read = {'signature': signature_hex(root), 'signatures': [signature_hex(m) for m in parsed]}
        if rc == 0:
            return dict(read, verdict='ok')
        return dict(read, verdict='not-authorized',
                    message='macaroon_verify: %s' % RETURN_CODES.get(err.value, err.value))
    finally:
        verifier_destroy(v)
        for m in parsed:
            destroy(m)


if __name__ == '__main__':
    if sys.argv[1:] == ['--version']:
        print('libmacaroons.so.0')
    else:
        serve(mint_plan, verify_case)
