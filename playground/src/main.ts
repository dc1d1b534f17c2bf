/**
 * The playground page: reads the form, decodes and verifies with the library, draws the result. Every
 * change re-runs the whole pipeline (tokens are small; it takes well under a millisecond).
 */

import { describeThirdPartyCaveatId } from '../../src/bakery/describe.js';
import {
  BakeryMacaroon,
  type BakeryVersion,
  discharge,
  KeyPair,
  ThirdPartyStore,
} from '../../src/bakery/index.js';
import { bytesToHex, printableText } from '../../src/bytes.js';
import {
  type BundleFormat,
  type Format,
  Macaroon,
  MacaroonError,
  NotAuthorizedError,
  ready,
} from '../../src/index.js';
import { type Trace, traceChain } from './chain.js';
import { type CheckSettings, checkContext, makeSatisfies, makeVerifier } from './checks.js';
import { announce, byId } from './dom.js';
import { EXAMPLES } from './examples.js';
import { isKeyEncoding, type KeyEncoding, KeyError, otherReadings, parseKey } from './keys.js';
import { isFailure, type Reading, readDischarges, readToken } from './read.js';
import { fromFragment, type PageState, toFragment } from './state.js';
import { renderChain, renderDecoded, renderProblem, renderVerdict, type VerifyOutcome } from './view.js';

const input = <T extends HTMLElement = HTMLInputElement>(id: string) => byId<T>(id) as unknown as T;
const tokenField = input<HTMLTextAreaElement>('token');
const dischargesField = input<HTMLTextAreaElement>('discharges');
const exactField = input<HTMLTextAreaElement>('exact');
const rootKeyField = input('root-key');
const timeField = input('check-time');
const bakeryField = input('check-bakery');
const operationsField = input('operations');
const nowField = input('now');
const unusedField = input('allow-unused');
const includeKeysField = input('include-keys');

function keyEncoding(): KeyEncoding {
  const checked = document.querySelector<HTMLInputElement>('input[name="key-encoding"]:checked');
  return isKeyEncoding(checked?.value) ? checked.value : 'text';
}

function setKeyEncoding(value: string): void {
  document.querySelectorAll<HTMLInputElement>('input[name="key-encoding"]').forEach((radio) => {
    radio.checked = radio.value === (isKeyEncoding(value) ? value : 'text');
  });
}

function pageState(): PageState {
  return {
    token: tokenField.value,
    discharges: dischargesField.value,
    exact: exactField.value,
    timeBefore: timeField.checked,
    bakeryStd: bakeryField.checked,
    operations: operationsField.value,
    now: nowField.value.trim(),
    allowUnused: unusedField.checked,
    keyEncoding: keyEncoding(),
    includeKeys: includeKeysField.checked,
    rootKey: rootKeyField.value,
  };
}

function applyState(s: PageState): void {
  tokenField.value = s.token;
  dischargesField.value = s.discharges;
  exactField.value = s.exact;
  timeField.checked = s.timeBefore;
  bakeryField.checked = s.bakeryStd;
  operationsField.value = s.operations;
  nowField.value = s.now;
  unusedField.checked = s.allowUnused;
  setKeyEncoding(s.keyEncoding);
  includeKeysField.checked = s.includeKeys;
  if (s.rootKey) rootKeyField.value = s.rootKey;
}

/** The clock the checkers use: the "Now" field, or the current time. */
function now(): { ms: number; error?: string } {
  const text = nowField.value.trim();
  if (text === '') return { ms: Date.now() };
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    return {
      ms: Date.now(),
      error: `"Now" is not a date-time (RFC 3339, e.g. 2030-01-01T00:00:00Z); using the current time`,
    };
  return { ms };
}

/** The current reading of the Token field, kept for the Build steps. */
let current: Reading | undefined;

/** Redraws everything; an unexpected failure is shown where the result would be, never a blank page. */
function update(): void {
  try {
    redraw();
  } catch (e) {
    byId('verdict').replaceChildren(
      renderProblem('error', `Unexpected failure: ${e instanceof Error ? e.message : String(e)}`),
    );
  }
}

function redraw(): void {
  const reading = readToken(tokenField.value);
  const decoded = byId('decoded');
  const verdict = byId('verdict');
  const chain = byId('chain');
  current = reading && !isFailure(reading) ? reading : undefined;
  if (!reading) {
    decoded.replaceChildren();
    verdict.replaceChildren(renderProblem('info', 'Paste a token, pick an example, or mint one below.'));
    chain.replaceChildren();
  } else if (isFailure(reading)) {
    decoded.replaceChildren(renderProblem('error', reading));
    verdict.replaceChildren();
    chain.replaceChildren();
  } else {
    decoded.replaceChildren(renderDecoded(reading));
    verifyAndTrace(reading, verdict, chain);
  }
  fillDischargeChoices();
  saveState();
}

function verifyAndTrace(reading: Reading, verdictEl: HTMLElement, chainEl: HTMLElement): void {
  const [root, ...bundled] = reading.macaroons.map((r) => r.macaroon);
  const extra = readDischarges(dischargesField.value);
  byId('discharges-problems').replaceChildren(
    ...extra.failures.map(({ line, failure }) =>
      renderProblem('error', failure, `Discharge starting on line ${line}`),
    ),
  );
  const discharges = [...bundled, ...extra.macaroons];
  const clock = now();
  const settings: CheckSettings = {
    exact: exactField.value.split('\n').filter((l) => l.trim() !== ''),
    timeBefore: timeField.checked,
    bakeryStd: bakeryField.checked,
    operations: operationsField.value.split(/\s+/).filter((o) => o !== ''),
    now: clock.ms,
    allowUnusedDischarges: unusedField.checked,
  };
  let key: Uint8Array;
  try {
    key = parseKey(rootKeyField.value, keyEncoding(), 'Root key');
  } catch (e) {
    const message = e instanceof KeyError ? e.message : String(e);
    verdictEl.replaceChildren(renderProblem('info', `${message}: enter the root key to verify.`));
    chainEl.replaceChildren();
    return;
  }
  const outcome = verify(root as Macaroon, key, discharges, settings);
  let trace: Trace | undefined;
  try {
    trace = traceChain([root as Macaroon, ...discharges], key, {
      satisfiesFor: (slice) => makeSatisfies(settings, slice),
      allowUnusedDischarges: settings.allowUnusedDischarges,
      maxDischargeDepth: 16,
      alternativeKeys: otherReadings(rootKeyField.value, keyEncoding()).map((r) => ({
        name: r.encoding,
        key: r.key,
      })),
    });
  } catch {
    trace = undefined; // the verdict shows the library's error for input it refuses
  }
  verdictEl.replaceChildren(renderVerdict(outcome, trace, clock.error, [root as Macaroon, ...discharges]));
  chainEl.replaceChildren(trace ? renderChain(trace, [root as Macaroon, ...discharges]) : '');
}

function verify(
  root: Macaroon,
  key: Uint8Array,
  discharges: Macaroon[],
  settings: CheckSettings,
): VerifyOutcome {
  const verifier = makeVerifier(settings);
  try {
    verifier.verify(root, key, discharges, { context: checkContext(settings) });
    return { ok: true, engine: verifier.engine };
  } catch (e) {
    if (e instanceof NotAuthorizedError) return { ok: false, engine: verifier.engine, error: e };
    const error = e instanceof MacaroonError ? e : new MacaroonError(String(e));
    return { ok: false, engine: verifier.engine, error };
  }
}

// --- URL fragment ---

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let lastFragment = '';

function saveState(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    const fragment = toFragment(pageState());
    if (fragment === lastFragment) return;
    lastFragment = fragment;
    history.replaceState(null, '', fragment ? `#${fragment}` : location.pathname + location.search);
  }, 150);
}

function loadState(): void {
  const fragment = location.hash.slice(1);
  lastFragment = fragment;
  applyState(fromFragment(fragment));
}

// --- Build steps ---

function buildError(message: string): void {
  byId('build-error').replaceChildren(message ? renderProblem('error', message) : '');
}

function readKey(field: string, value: string, encoding: string): Uint8Array {
  return parseKey(value, isKeyEncoding(encoding) ? encoding : 'text', field);
}

/** Runs a build step; any failure is shown with the library's message, never thrown into the void. */
function step(name: string, run: () => void | Promise<void>): (e: Event) => void {
  return async (e) => {
    e.preventDefault();
    try {
      await run();
      buildError('');
      update();
      announce(`${name}: done`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof MacaroonError ? ` (${error.code})` : '';
      buildError(`${name}: ${message}${code}`);
    }
  };
}

function requireRoot(): { root: Macaroon; format: Format; bakery?: BakeryMacaroon } {
  const first = current?.macaroons[0];
  if (!first) throw new Error('there is no valid token in the Token field: mint one first');
  return { root: first.macaroon, format: first.format, ...(first.bakery ? { bakery: first.bakery } : {}) };
}

function thirdPartyMode(): 'shared' | 'public' {
  return document.querySelector<HTMLInputElement>('input[name="tp-mode"]:checked')?.value === 'public'
    ? 'public'
    : 'shared';
}

function showThirdPartyMode(): void {
  const mode = thirdPartyMode();
  document
    .querySelector<HTMLElement>('#third-party .shared-only')
    ?.toggleAttribute('hidden', mode !== 'shared');
  document
    .querySelector<HTMLElement>('#third-party .public-only')
    ?.toggleAttribute('hidden', mode !== 'public');
}

/** Adds a caveat encrypted to the third party's public key, as macaroon-bakery does. */
async function addPublicKeyCaveat(): Promise<void> {
  const { root, format, bakery } = requireRoot();
  const location = input('tp-location').value;
  const version = Number(input<HTMLSelectElement>('tp-version').value) as BakeryVersion;
  const publicKey = input('tp-public-key').value.trim();
  if (publicKey === '') throw new Error("enter the third party's public key, or generate a key pair");
  const m = bakery ?? BakeryMacaroon.fromMacaroon(root, root.version === 1 ? 1 : 3);
  const locator = new ThirdPartyStore().add(location, { publicKey, version });
  // The adder's key pair only tells the third party who added the caveat: a fresh one will do here.
  const next = await m.addCaveat(
    { location, condition: input('tp-condition').value },
    { key: KeyPair.generate(), locator },
  );
  // Version 3 keeps the encrypted payload beside the macaroon: only bakery's JSON form carries it.
  tokenField.value = next.caveatData.size > 0 ? JSON.stringify(next) : next.macaroon.serialize(format);
}

/** Mints the discharge of a public-key caveat with the third party's key pair (bakery's `discharge`). */
async function dischargePublicKeyCaveat(
  identifier: Uint8Array,
  payload: Uint8Array | undefined,
  predicates: string[],
): Promise<Macaroon> {
  const text = input<HTMLTextAreaElement>('discharge-key-pair').value.trim();
  if (text === '') throw new Error("this is a public-key caveat: enter the third party's key pair");
  const key = KeyPair.fromJSON(text);
  const d = await discharge({
    id: identifier,
    ...(payload ? { caveat: payload } : {}),
    key,
    checker: () => predicates.map((condition) => ({ condition })),
  });
  return d.macaroon;
}

function writeRoot(m: Macaroon, format: Format): void {
  tokenField.value = m.serialize(format);
}

function fillDischargeChoices(): void {
  const select = byId<HTMLSelectElement>('discharge-for');
  const previous = select.value;
  const options: HTMLOptionElement[] = [];
  const root = current?.macaroons[0]?.macaroon;
  root?.caveats.forEach((c, i) => {
    if (!c.verificationId) return;
    const id = printableText(c.identifier) ?? `hex ${bytesToHex(c.identifier)}`;
    options.push(new Option(`caveat ${i + 1}: ${id} (${c.location || 'no location'})`, String(i)));
  });
  if (options.length === 0) options.push(new Option('the token has no third-party caveat', ''));
  select.replaceChildren(...options);
  if (options.some((o) => o.value === previous)) select.value = previous;
}

function setUpBuild(): void {
  byId('mint').addEventListener(
    'submit',
    step('Mint', () => {
      const key = readKey('Root key', rootKeyField.value, keyEncoding());
      const version = input<HTMLSelectElement>('mint-version').value === '1' ? 1 : 2;
      const m = Macaroon.create(input('mint-location').value, key, input('mint-id').value, { version });
      tokenField.value = m.serialize();
      dischargesField.value = '';
    }),
  );
  byId('attenuate').addEventListener(
    'submit',
    step('Add caveat', () => {
      const { root, format } = requireRoot();
      writeRoot(root.addFirstPartyCaveat(input('caveat').value), format);
    }),
  );
  document.querySelectorAll('input[name="tp-mode"]').forEach((radio) => {
    radio.addEventListener('change', showThirdPartyMode);
  });
  byId('tp-generate').addEventListener('click', () => {
    const pair = KeyPair.generate();
    input('tp-public-key').value = String(pair.public);
    input<HTMLTextAreaElement>('discharge-key-pair').value = JSON.stringify(pair);
    announce('Third-party key pair generated: its public key is filled in, and its key pair in Discharge');
  });
  byId('third-party').addEventListener(
    'submit',
    step('Add third-party caveat', async () => {
      if (thirdPartyMode() === 'public') return addPublicKeyCaveat();
      const { root, format } = requireRoot();
      const key = readKey(
        'Caveat key',
        input('tp-key').value,
        input<HTMLSelectElement>('tp-key-encoding').value,
      );
      writeRoot(root.addThirdPartyCaveat(input('tp-location').value, key, input('tp-id').value), format);
    }),
  );
  byId('discharge').addEventListener(
    'submit',
    step('Mint discharge', async () => {
      const { root, bakery } = requireRoot();
      const index = Number(byId<HTMLSelectElement>('discharge-for').value);
      const caveat = byId<HTMLSelectElement>('discharge-for').value === '' ? undefined : root.caveats[index];
      if (!caveat?.verificationId) throw new Error('choose a third-party caveat of the token');
      const predicates = input<HTMLTextAreaElement>('discharge-caveats')
        .value.split('\n')
        .filter((p) => p.trim() !== '');
      const payload = bakery?.caveatPayload(caveat.identifier);
      let d: Macaroon;
      if (describeThirdPartyCaveatId(caveat.identifier, payload) !== undefined) {
        d = await dischargePublicKeyCaveat(caveat.identifier, payload, predicates);
      } else {
        const key = readKey(
          'Caveat key',
          input('discharge-key').value,
          input<HTMLSelectElement>('discharge-key-encoding').value,
        );
        d = Macaroon.create(caveat.location ?? '', key, caveat.identifier, { version: root.version });
        for (const p of predicates) d = d.addFirstPartyCaveat(p);
      }
      if (input('discharge-bind').checked) d = root.prepareForRequest(d);
      const existing = dischargesField.value.trim();
      dischargesField.value = existing ? `${existing}\n\n${d.serialize()}` : d.serialize();
    }),
  );
  byId('bind').addEventListener(
    'submit',
    step('Bind', () => {
      const { root } = requireRoot();
      const { macaroons, failures } = readDischarges(dischargesField.value);
      if (failures.length > 0) throw new Error('a discharge does not decode: fix it first');
      if (macaroons.length === 0) throw new Error('there is no discharge in the Discharges field');
      dischargesField.value = macaroons.map((d) => root.prepareForRequest(d).serialize()).join('\n\n');
    }),
  );
  byId('convert').addEventListener(
    'submit',
    step('Convert', () => {
      const { root } = requireRoot();
      const target = input<HTMLSelectElement>('convert-format').value;
      const out = input<HTMLTextAreaElement>('convert-output');
      if (target === 'binary' || target === 'json' || target === 'bakery') {
        const bundled = (current?.macaroons ?? []).slice(1).map((r) => r.macaroon);
        const discharges = [...bundled, ...readDischarges(dischargesField.value).macaroons];
        out.value = Macaroon.serializeBundle([root, ...discharges], target as BundleFormat);
      } else {
        out.value = root.serialize(target as Format);
      }
    }),
  );
  byId('convert-copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(input<HTMLTextAreaElement>('convert-output').value);
      announce('Converted token copied');
    } catch {
      announce('Cannot copy: select the text and copy it by hand');
    }
  });
  byId('convert-use').addEventListener('click', () => {
    const value = input<HTMLTextAreaElement>('convert-output').value;
    if (!value) return;
    const bundle = ['binary', 'json', 'bakery'].includes(input<HTMLSelectElement>('convert-format').value);
    tokenField.value = value;
    if (bundle) dischargesField.value = ''; // they are in the bundle now
    update();
    tokenField.focus();
  });
}

// --- Examples, clock, link ---

function setUpExamples(): void {
  const select = byId<HTMLSelectElement>('example');
  EXAMPLES.forEach((ex, i) => {
    select.append(new Option(ex.name, String(i)));
  });
  select.addEventListener('change', () => {
    const ex = EXAMPLES[Number(select.value)];
    if (select.value === '' || !ex) return;
    tokenField.value = ex.token;
    rootKeyField.value = ex.rootKey;
    setKeyEncoding(ex.keyEncoding ?? 'text');
    exactField.value = ex.exact.join('\n');
    dischargesField.value = ex.discharges ?? '';
    nowField.value = ex.now;
    update();
    announce(`Example loaded: ${ex.name}`);
  });
}

function setUpLink(): void {
  byId('copy-link').addEventListener('click', async () => {
    const url = `${location.origin}${location.pathname}#${toFragment(pageState())}`;
    try {
      await navigator.clipboard.writeText(url);
      announce(
        includeKeysField.checked ? 'Link copied, with the root key in it' : 'Link copied (no keys in it)',
      );
    } catch {
      announce('Cannot copy the link: copy it from the address bar');
    }
  });
}

/** Whether a Content-Security-Policy refused to compile WebAssembly (reported as 'wasm-eval'). */
let wasmBlockedByCsp = false;
let engineName: string | undefined;

function renderEngine(): void {
  const el = byId('engine');
  if (engineName === undefined) return;
  el.dataset.engine = engineName;
  if (engineName === 'js') {
    el.textContent = wasmBlockedByCsp
      ? "Engine: TypeScript (this page's Content-Security-Policy does not allow WebAssembly; verdicts are the same, only slower)"
      : 'Engine: TypeScript (WebAssembly is not available here; verdicts are the same, only slower)';
  } else {
    el.textContent = `Engine: WebAssembly (${engineName === 'wasm-simd' ? 'SIMD' : 'scalar'})`;
  }
}

async function showEngine(): Promise<void> {
  // The violation event may arrive after ready() has resolved: the text is redrawn when it does.
  document.addEventListener('securitypolicyviolation', (e) => {
    if (e.blockedURI === 'wasm-eval' || /wasm/i.test(e.sample)) {
      wasmBlockedByCsp = true;
      renderEngine();
    }
  });
  engineName = (await ready()).engine;
  renderEngine();
  update(); // the verdict names the engine it ran on
}

function start(): void {
  loadState();
  setUpExamples();
  setUpBuild();
  setUpLink();
  for (const el of [tokenField, dischargesField, exactField, rootKeyField, nowField]) {
    el.addEventListener('input', update);
  }
  for (const el of [timeField, bakeryField, unusedField, includeKeysField])
    el.addEventListener('change', update);
  operationsField.addEventListener('input', update);
  document.querySelectorAll('input[name="key-encoding"]').forEach((radio) => {
    radio.addEventListener('change', update);
  });
  byId('now-set').addEventListener('click', () => {
    nowField.value = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    update();
  });
  window.addEventListener('hashchange', () => {
    if (location.hash.slice(1) === lastFragment) return;
    loadState();
    update();
  });
  // The skip link moves focus without touching the fragment, which holds the page's state.
  document.querySelector('a.skip')?.addEventListener('click', (e) => {
    e.preventDefault();
    tokenField.focus();
  });
  update();
  document.documentElement.dataset.ready = 'true';
  void showEngine().finally(() => {
    document.documentElement.dataset.engineReady = 'true';
  });
}

try {
  start();
} catch (e) {
  // Never a blank page: say what broke.
  const p = document.createElement('p');
  p.className = 'problem';
  p.setAttribute('role', 'alert');
  p.textContent = `The playground failed to start: ${e instanceof Error ? e.message : String(e)}`;
  document.body.prepend(p);
}
