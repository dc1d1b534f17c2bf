"""pymacaroons as a peer: mints plans and verifies cases (protocol in peer_protocol.py).

Run with Debian's /usr/bin/python3 (python3-pymacaroons).
"""
import binascii
import sys

import pymacaroons
from pymacaroons import MACAROON_V1, MACAROON_V2, Macaroon, Verifier
from pymacaroons.serializers import BinarySerializer, JsonSerializer

from peer_protocol import as_bytes, describe, general_checks, serve

sys.setrecursionlimit(400)  # a discharge cycle recurses until this limit (pymacaroons tracks no use)

ZERO_NONCE = bytes(24)


def mint_one(spec, version, zero_nonce):
    m = Macaroon(location=spec['location'], identifier=as_bytes(spec['id']),
                 key=as_bytes(spec['key']), version=version)
    for c in spec.get('caveats', []):
        if 'predicate' in c:
            m = m.add_first_party_caveat(as_bytes(c['predicate']))
        else:
            extra = {'nonce': ZERO_NONCE} if zero_nonce else {}
            m = m.add_third_party_caveat(c['location'], as_bytes(c['key']), as_bytes(c['id']), **extra)
    return m


def serializer(fmt):
    return JsonSerializer() if fmt.endswith('j') else BinarySerializer()


FORMATS = {1: ('v1', 'v1j'), 2: ('v2', 'v2j')}


def mint_plan(plan):
    version = MACAROON_V1 if plan['version'] == 1 else MACAROON_V2
    zero = plan.get('zeroNonce', False)
    root = mint_one(plan['root'], version, zero)
    discharges = []
    for d in plan.get('discharges', []):
        dm = mint_one(d, version, zero)
        discharges.append(root.prepare_for_request(dm) if d.get('bind', True) else dm)
    outputs = {}
    for fmt in plan['formats']:
        if fmt not in FORMATS[plan['version']]:
            continue
        s = serializer(fmt)
        outputs[fmt] = {'root': root.serialize(s), 'discharges': [d.serialize(s) for d in discharges]}
    return {'outputs': outputs, 'signature': root.signature,
            'dischargeSignatures': [d.signature for d in discharges]}


def verify_case(case):
    s = serializer(case['format'])
    try:
        root = Macaroon.deserialize(case['root'], s)
        discharges = [Macaroon.deserialize(d, s) for d in case.get('discharges', [])]
    except Exception as e:
        return {'verdict': 'decode-error', 'message': describe(e)}
    v = Verifier()
    for p in case.get('exact', []):
        v.satisfy_exact(as_bytes(p))
    for check in general_checks(case.get('general', [])):
        v.satisfy_general(check)
    read = {'signature': root.signature, 'signatures': [m.signature for m in [root] + discharges]}
    try:
        v.verify(root, as_bytes(case['rootKey']), discharges)
    except Exception as e:  # every failure of verify() is a refusal: MacaroonException, CryptoError, RecursionError
        return dict(read, verdict='not-authorized', message=describe(e))
    return dict(read, verdict='ok')


if __name__ == '__main__':
    if sys.argv[1:] == ['--version']:
        print('pymacaroons ' + getattr(pymacaroons, '__version__', 'unknown'))
    else:
        serve(mint_plan, verify_case)
