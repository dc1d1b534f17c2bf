/**
 * The third party's side (bakery's `Discharge`) and the client's (`DischargeAll`): decode a caveat, ask
 * a checker, mint the discharge; gather every discharge a macaroon needs, recursively, and bind each to
 * the root. References: bakery/discharge.go, bakery/slice.go, macaroonbakery/bakery/_discharge.py.
 */
import { describeType, toBytes } from '../bytes.js';
import { InvalidArgumentError, LimitExceededError } from '../errors.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { Macaroon } from '../macaroon.js';
import {
  type Caveat,
  COND_DECLARED,
  COND_NEED_DECLARED,
  declaredCaveat,
  parseCaveat,
} from './checkers/caveat.js';
import { decodeCaveat, type ThirdPartyCaveatInfo } from './codec.js';
import { type KeyPair, requireKeyPair } from './keys.js';
import { BakeryMacaroon, bakeryMacaroonFrom, bakeryState, describeCaveatId } from './macaroon.js';
import type { ThirdPartyLocator } from './third-party.js';
import { macaroonVersion } from './versions.js';

/**
 * Decides a third-party caveat: returns the first-party (or further third-party) caveats the discharge
 * must carry, or throws to refuse. `info.condition` is the condition to check (for a `need-declared`
 * caveat, the condition inside it).
 *
 * @example
 * ```ts
 * const checker: ThirdPartyCaveatChecker = (info) => (info.condition === 'is-user alice' ? [] : Promise.reject(new Error('no')));
 * ```
 */
export type ThirdPartyCaveatChecker =
  | ((info: ThirdPartyCaveatInfo) => readonly Caveat[] | Promise<readonly Caveat[]>)
  | {
      /** The caveats to add to the discharge; throws to refuse it. */
      checkThirdPartyCaveat(info: ThirdPartyCaveatInfo): readonly Caveat[] | Promise<readonly Caveat[]>;
    };

/**
 * What `discharge` needs: the caveat (its id, and its payload for version 3), the third party's key pair and its checker.
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
 * const m = await BakeryMacaroon.create({ rootKey, id: 'session-1', version: 3 })
 *   .addCaveat({ location: 'https://auth.example', condition: 'is-user alice' }, { key: svc, locator });
 * const id = m.macaroon.thirdPartyCaveats()[0]?.identifier ?? new Uint8Array();
 * const params: DischargeParams = { id, caveat: m.caveatPayload(id), key: tp, checker: () => [] };
 * await discharge(params);
 * ```
 */
export interface DischargeParams {
  /** The caveat id as it appears in the macaroon. */
  readonly id: string | Uint8Array;
  /** The caveat data (the payload of a version-3 caveat); absent when the id is the payload (v1, v2). */
  readonly caveat?: Uint8Array | undefined;
  /** The third party's key pair. */
  readonly key: KeyPair;
  /** Checks the condition; returns the caveats to add to the discharge, or throws to refuse. */
  readonly checker: ThirdPartyCaveatChecker;
  /** Needed only when the checker returns third-party caveats. */
  readonly locator?: ThirdPartyLocator | undefined;
}

function runChecker(checker: ThirdPartyCaveatChecker, info: ThirdPartyCaveatInfo) {
  if (typeof checker === 'function') return checker(info);
  if (
    typeof checker === 'object' &&
    checker !== null &&
    typeof checker.checkThirdPartyCaveat === 'function'
  ) {
    return checker.checkThirdPartyCaveat(info);
  }
  throw new InvalidArgumentError(
    `checker must be a function or have checkThirdPartyCaveat, got ${describeType(checker)}`,
  );
}

async function checkCaveats(checker: ThirdPartyCaveatChecker, info: ThirdPartyCaveatInfo): Promise<Caveat[]> {
  const caveats = await runChecker(checker, info);
  if (!Array.isArray(caveats))
    throw new InvalidArgumentError('a third-party checker must return an array of caveats');
  return [...caveats];
}

/** bakery's checkNeedDeclared: `need-declared k1,k2 condition`. */
async function checkNeedDeclared(checker: ThirdPartyCaveatChecker, info: ThirdPartyCaveatInfo, arg: string) {
  const i = arg.indexOf(' ');
  if (i <= 0)
    throw new InvalidArgumentError(`need-declared caveat requires an argument, got ${JSON.stringify(arg)}`);
  const keys = arg.slice(0, i).split(',');
  if (keys.some((k) => k === ''))
    throw new InvalidArgumentError('need-declared caveat with empty required attribute');
  const caveats = await checkCaveats(checker, { ...info, condition: arg.slice(i + 1) });
  const declared = new Set<string>();
  for (const cav of caveats) {
    if (cav.location) continue;
    const [name, rest] = parseCaveat(cav.condition);
    if (name !== COND_DECLARED) continue;
    const space = rest.indexOf(' ');
    if (space < 0) throw new InvalidArgumentError('declared caveat has no value');
    declared.add(rest.slice(0, space));
  }
  for (const k of keys) if (!declared.has(k)) caveats.push(declaredCaveat(k, ''));
  return caveats;
}

/**
 * Discharges a third-party caveat (bakery's `Discharge`): decodes it with the third party's key pair,
 * asks the checker, and mints the discharge with the caveat's root key, the caveat id, an empty
 * location and the caveat's version; the caveats the checker returns are added to it. The discharge is
 * not bound: the client binds it to its root.
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
 * const m = await BakeryMacaroon.create({ rootKey, id: 'session-1', version: 3 })
 *   .addCaveat({ location: 'https://auth.example', condition: 'is-user alice' }, { key: svc, locator });
 * const id = m.macaroon.thirdPartyCaveats()[0]?.identifier ?? new Uint8Array();
 * const d = await discharge({ id, caveat: m.caveatPayload(id), key: tp, checker: async (info) => {
 *   if (info.condition !== 'is-user alice') throw new Error('not alice');
 *   return [checkers.declaredCaveat('user', 'alice')];
 * } });
 * ```
 */
export async function discharge(params: DischargeParams): Promise<BakeryMacaroon> {
  if (typeof params !== 'object' || params === null)
    throw new InvalidArgumentError('discharge needs parameters');
  const id = toBytes(params.id, 'id');
  const key = requireKeyPair(params.key, 'key');
  let payload = id;
  let prefix = new Uint8Array(0);
  if (params.caveat !== undefined) {
    if (!(params.caveat instanceof Uint8Array)) throw new InvalidArgumentError('caveat must be a Uint8Array');
    payload = params.caveat;
    prefix = id.slice();
  }
  const decoded = decodeCaveat(key, payload);
  const info: ThirdPartyCaveatInfo = Object.freeze({ ...decoded, id: id.slice() });
  const [name, arg] = parseCaveat(info.condition);
  const caveats =
    name === COND_NEED_DECLARED
      ? await checkNeedDeclared(params.checker, info, arg)
      : await checkCaveats(params.checker, info);
  const macaroon = Macaroon.create('', info.rootKey, id, { version: macaroonVersion(info.version) });
  let d = bakeryMacaroonFrom({
    macaroon,
    version: info.version,
    namespace: info.namespace,
    caveatData: new Map(),
    caveatIdPrefix: prefix,
  });
  for (const cav of caveats) d = await d.addCaveat(cav, { key, locator: params.locator });
  return d;
}

/**
 * What `dischargeAll` asks for: one third-party caveat and its payload (version 3), if any.
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
 * const m = await BakeryMacaroon.create({ rootKey, id: 'session-1', version: 3 })
 *   .addCaveat({ location: 'https://auth.example', condition: 'is-user alice' }, { key: svc, locator });
 * const id = m.macaroon.thirdPartyCaveats()[0]?.identifier ?? new Uint8Array();
 * const keyFor = (location: string) => tp; // the third party at `location`: here the only one
 * const checker = () => [];
 * await dischargeAll(m, ({ location, id, caveat }: DischargeRequest) => discharge({ id, caveat, key: keyFor(location), checker }));
 * ```
 */
export interface DischargeRequest {
  /** The third party's location, as the caveat names it. */
  readonly location: string;
  /** The caveat id, as it appears in the macaroon. */
  readonly id: Uint8Array;
  /** The caveat data of a version-3 caveat, from the macaroon that carries the caveat. */
  readonly caveat: Uint8Array | undefined;
}

/**
 * Bounds of `dischargeAll`.
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
 * const m = await BakeryMacaroon.create({ rootKey, id: 'session-1', version: 3 })
 *   .addCaveat({ location: 'https://auth.example', condition: 'is-user alice' }, { key: svc, locator });
 * const id = m.macaroon.thirdPartyCaveats()[0]?.identifier ?? new Uint8Array();
 * const getDischarge = ({ id, caveat }: DischargeRequest) => discharge({ id, caveat, key: tp, checker: () => [] });
 * await dischargeAll(m, getDischarge, { maxDischarges: 8, maxDepth: 2 });
 * ```
 */
export interface DischargeAllOptions {
  /** Deepest chain of discharges that need discharges (the root's caveats are depth 1). Default 16. */
  readonly maxDepth?: number | undefined;
  /** Most discharges gathered (a third party could add caveats without end). Default 64. */
  readonly maxDischarges?: number | undefined;
}

/**
 * Gets a discharge for every third-party caveat of `m`, and of the discharges, recursively (bakery's
 * `DischargeAll`), and binds each to the root. Returns the root's macaroon first, then the bound
 * discharges: what a request carries.
 *
 * @example
 * ```ts
 * const svc = KeyPair.generate(); // the service's key pair
 * const tp = KeyPair.generate(); // the third party's
 * const locator = new ThirdPartyStore().add('https://auth.example', { publicKey: tp.public, version: 3 });
 * const m = await BakeryMacaroon.create({ rootKey, id: 'session-1', version: 3 })
 *   .addCaveat({ location: 'https://auth.example', condition: 'is-user alice' }, { key: svc, locator });
 * const [root, ...discharges] = await dischargeAll(m, ({ location, id, caveat }) =>
 *   discharge({ id, caveat, key: tp, checker: () => [] }));
 * new Verifier().satisfyChecker(checkers.std()).verify(root, rootKey, discharges);
 * ```
 */
export async function dischargeAll(
  m: BakeryMacaroon,
  getDischarge: (request: DischargeRequest) => BakeryMacaroon | Macaroon | Promise<BakeryMacaroon | Macaroon>,
  options: DischargeAllOptions = {},
): Promise<[root: Macaroon, ...discharges: Macaroon[]]> {
  if (!(m instanceof BakeryMacaroon))
    throw new InvalidArgumentError(`m must be a BakeryMacaroon, got ${describeType(m)}`);
  if (typeof getDischarge !== 'function') throw new InvalidArgumentError('getDischarge must be a function');
  const max = options.maxDischarges ?? DEFAULT_LIMITS.maxDischarges;
  const maxDepth = options.maxDepth ?? DEFAULT_LIMITS.maxDischargeDepth;
  const root = m.macaroon;
  const need: { request: DischargeRequest; depth: number }[] = [];
  const enqueue = (bm: BakeryMacaroon, depth: number) => {
    for (const c of bm.macaroon.thirdPartyCaveats()) {
      need.push({
        request: { location: c.location, id: c.identifier, caveat: bm.caveatPayload(c.identifier) },
        depth,
      });
    }
  };
  enqueue(m, 1);
  const out: [Macaroon, ...Macaroon[]] = [root];
  while (need.length > 0) {
    const { request, depth } = need.shift() as { request: DischargeRequest; depth: number };
    if (out.length > max) throw new LimitExceededError(`more than ${max} discharges needed`);
    if (depth > maxDepth) throw new LimitExceededError(`discharges nested deeper than ${maxDepth}`);
    let d: BakeryMacaroon | Macaroon;
    try {
      d = await getDischarge(request);
    } catch (e) {
      if (e instanceof Error) throw e;
      throw new InvalidArgumentError(`cannot get discharge for caveat ${describeCaveatId(request.id)}`);
    }
    const bm = d instanceof Macaroon ? BakeryMacaroon.fromMacaroon(d) : d;
    if (!(bm instanceof BakeryMacaroon))
      throw new InvalidArgumentError('getDischarge must return a BakeryMacaroon or Macaroon');
    out.push(root.prepareForRequest(bakeryState(bm).macaroon));
    enqueue(bm, depth + 1);
  }
  return out;
}
