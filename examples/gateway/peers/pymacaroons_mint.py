"""Mints tokens for the example gateway with pymacaroons, as a client in another language would.

    /usr/bin/python3 pymacaroons_mint.py <root key hex> <account> <deadline (RFC 3339)>

Prints one JSON object: name -> token. Single macaroons are pymacaroons' own base64url binary (for
`Authorization: Macaroon`); bundles are macaroon-bakery's form (standard base64 of a JSON array, for the
`Macaroons` header or a `macaroon-*` cookie). Debian's python3-pymacaroons; run with /usr/bin/python3.
"""
import base64
import binascii
import json
import os
import sys

from pymacaroons import MACAROON_V1, MACAROON_V2, Macaroon
from pymacaroons.serializers import JsonSerializer


def root(key, account, deadline, version):
    m = Macaroon(location='https://gateway.example/', identifier='pymacaroons-' + binascii.hexlify(os.urandom(4)).decode(),
                 key=key, version=version)
    m = m.add_first_party_caveat('account = %s' % account)
    m = m.add_first_party_caveat('action = read')
    return m.add_first_party_caveat('time < %s' % deadline)


def bakery_bundle(macaroons):
    array = [json.loads(m.serialize(JsonSerializer())) for m in macaroons]
    return base64.b64encode(json.dumps(array).encode()).decode()


def main():
    key = binascii.unhexlify(sys.argv[1])
    account, deadline = sys.argv[2], sys.argv[3]
    caveat_key = os.urandom(32)
    with_tp = root(key, account, deadline, MACAROON_V2).add_third_party_caveat(
        'https://auth.example/', caveat_key, 'pymacaroons-third-party')
    discharge = Macaroon(location='https://auth.example/', identifier='pymacaroons-third-party',
                         key=caveat_key, version=MACAROON_V2).add_first_party_caveat('time < %s' % deadline)
    print(json.dumps({
        'v1': root(key, account, deadline, MACAROON_V1).serialize(),
        'v2': root(key, account, deadline, MACAROON_V2).serialize(),
        'expired': root(key, account, '2001-01-01T00:00:00Z', MACAROON_V2).serialize(),
        'bundle_bound': bakery_bundle([with_tp, with_tp.prepare_for_request(discharge)]),
        'bundle_unbound': bakery_bundle([with_tp, discharge]),
        'bundle_missing_discharge': bakery_bundle([with_tp]),
    }))


main()
