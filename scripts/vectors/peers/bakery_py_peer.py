#!/usr/bin/python3
"""Python macaroonbakery as a peer: reads {"jobs": [...]} on stdin, answers {"results": [...]} on stdout.

Each job is run with the library's own API (no re-implementation): key pairs, minting with
bakery.Macaroon.add_caveat or the Oven, bakery.discharge, bakery.discharge_all, decode_caveat, and a
verifier made of pymacaroons' Verifier and the std checker (clock, declared from the whole slice), as
macaroonbakery's AuthChecker does. Errors are answered as {"error": "<text>"}, never a crash.
Bytes travel as standard base64.
"""
import base64
import datetime
import json
import sys

import macaroonbakery.bakery as bakery
import macaroonbakery.checkers as checkers
import nacl.public
import pymacaroons


def b64d(s):
    return base64.b64decode(s + '=' * (-len(s) % 4), altchars=b'-_' if ('-' in s or '_' in s) else None)


def b64e(b):
    return base64.b64encode(b).decode('ascii')


def key_pair(j):
    return bakery.PrivateKey(nacl.public.PrivateKey(base64.b64decode(j['private'])))


def key_json(k):
    return {'public': str(k.public_key), 'private': str(k)}


def locator(parties):
    store = bakery.ThirdPartyStore()
    for loc, info in (parties or {}).items():
        pub = bakery.PublicKey(nacl.public.PublicKey(base64.b64decode(info['public'])))
        store.add_info(loc, bakery.ThirdPartyInfo(public_key=pub, version=info['version']))
    return store


def caveat(c):
    return checkers.Caveat(condition=c['condition'], location=c.get('location'),
                           namespace=c.get('namespace'))


class FixedClock(object):
    def __init__(self, ms):
        self.t = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms)

    def utcnow(self):
        return self.t


class Store(object):
    def __init__(self, key):
        self.key = key

    def root_key(self):
        return self.key, b'0'

    def get(self, id):
        return self.key if id == b'0' else None


def mint(job):
    key = key_pair(job['key'])
    loc = locator(job.get('thirdParties'))
    root_key = b64d(job['rootKey'])
    cavs = [caveat(c) for c in job.get('caveats', [])]
    if job.get('oven'):
        store = Store(root_key)
        oven = bakery.Oven(key=key, location=job.get('location'), locator=loc,
                           root_keystore_for_ops=lambda ops: store)
        ops = [bakery.Op(entity=e, action=a) for e, a in job['oven']['ops']]
        expiry = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=job['oven']['expiryMs'])
        m = oven.macaroon(job['version'], expiry, cavs, ops)
    else:
        m = bakery.Macaroon(root_key=root_key, id=job['id'].encode('utf-8'), location=job.get('location'),
                            version=job['version'], namespace=checkers.Checker().namespace())
        for c in cavs:
            m.add_caveat(c, key, loc)
    return {'macaroon': m.to_dict()}


class Checker(bakery.ThirdPartyCaveatChecker):
    def __init__(self, spec):
        self.spec = spec

    def check_third_party_caveat(self, ctx, info):
        want = self.spec.get('expectCondition')
        if want is not None and info.condition != want:
            raise bakery.ThirdPartyCaveatCheckFailed('unexpected condition {}'.format(info.condition))
        if self.spec.get('refuse'):
            raise bakery.ThirdPartyCaveatCheckFailed(self.spec['refuse'])
        return [caveat(c) for c in self.spec.get('caveats', [])]


def discharge(job):
    key = key_pair(job['keyPair'])
    cav = b64d(job['caveat']) if job.get('caveat') is not None else None
    m = bakery.discharge(checkers.AuthContext(), id=b64d(job['id']), caveat=cav, key=key,
                         checker=Checker(job), locator=locator(job.get('thirdParties')))
    return {'macaroon': m.to_dict()}


def slice_json(ms):
    return [json.loads(m.serialize(pymacaroons.serializers.json_serializer.JsonSerializer())) for m in ms]


def discharge_all(job):
    m = bakery.Macaroon.from_dict(job['macaroon'])
    parties = job['dischargers']

    def get_discharge(cav, payload):
        spec = parties[cav.location]
        return bakery.discharge(checkers.AuthContext(), id=cav.caveat_id_bytes, caveat=payload,
                                key=key_pair(spec['keyPair']), checker=Checker(spec),
                                locator=locator(spec.get('thirdParties')))
    return {'slice': slice_json(bakery.discharge_all(m, get_discharge))}


def verify(job):
    ms = [bakery.Macaroon.from_dict(j).macaroon for j in job['slice']]
    checker = checkers.Checker()
    ctx = checkers.context_with_clock(checkers.AuthContext(), FixedClock(job['nowMs']))
    ctx = checkers.context_with_declared(ctx, checkers.infer_declared(ms, checker.namespace()))
    if job.get('operations'):
        ctx = checkers.context_with_operations(ctx, job['operations'])
    errors = []

    def check(cond):
        err = checker.check_first_party_caveat(ctx, cond)
        if err is not None:
            errors.append(err)
            return False
        return True
    v = pymacaroons.Verifier()
    v.satisfy_general(check)
    try:
        v.verify(ms[0], b64d(job['rootKey']), ms[1:])
        return {'ok': True}
    except Exception as e:
        return {'ok': False, 'error': '; '.join(errors) or '{}: {}'.format(type(e).__name__, e)}


def decode(job):
    info = bakery.decode_caveat(key_pair(job['keyPair']), b64d(job['caveat']))
    return {'condition': info.condition, 'rootKey': b64e(info.root_key), 'version': info.version,
            'namespace': info.namespace.serialize_text().decode('utf-8'),
            'firstPartyPublicKey': str(info.first_party_public_key)}


def check(job):
    checker = checkers.Checker()
    ctx = checkers.context_with_clock(checkers.AuthContext(), FixedClock(job['nowMs']))
    out = []
    for cond in job['conditions']:
        err = checker.check_first_party_caveat(ctx, cond)
        out.append({'ok': err is None, 'error': err})
    return {'checks': out}


def bench(job):
    '''Mints a fresh macaroon with one third-party caveat and gets its discharge with discharge_all
    (discharge, then binding), as often as fits in job['seconds']: one public-key caveat end to end.'''
    import time
    svc = bakery.generate_key()
    tp = bakery.generate_key()
    loc = bakery.ThirdPartyStore()
    loc.add_info('https://auth.example', bakery.ThirdPartyInfo(public_key=tp.public_key, version=job['version']))
    checker = Checker({'caveats': [{'condition': 'declared user alice'}]})
    ns = checkers.Checker().namespace()
    n = 0
    start = time.perf_counter()
    deadline = start + job['seconds']
    while time.perf_counter() < deadline:
        m = bakery.Macaroon(root_key=b'k' * 24, id=b'bench', location='https://api.example',
                            version=job['version'], namespace=ns)
        m.add_caveat(checkers.Caveat(condition='is-user alice', location='https://auth.example'), svc, loc)
        bakery.discharge_all(m, lambda cav, payload: bakery.discharge(
            checkers.AuthContext(), id=cav.caveat_id_bytes, caveat=payload, key=tp, checker=checker, locator=loc))
        n += 1
    return {'iterations': n, 'seconds': time.perf_counter() - start}


def keypair(job):
    return key_json(bakery.generate_key())


OPS = {'mint': mint, 'discharge': discharge, 'dischargeAll': discharge_all, 'verify': verify,
       'decode': decode, 'keypair': keypair, 'check': check, 'bench': bench}


def run(job):
    try:
        return OPS[job['kind']](job)
    except Exception as e:
        return {'error': '{}: {}'.format(type(e).__name__, e)}


def main():
    request = json.load(sys.stdin)
    json.dump({'results': [run(j) for j in request['jobs']]}, sys.stdout)


if __name__ == '__main__':
    main()
