/** Drawing: the decoded token, problems, the verdict and the HMAC chain, as plain DOM. */

import { describeOvenId, describeThirdPartyCaveatId } from '../../src/bakery/describe.js';
import { bytesToHex, printableText } from '../../src/bytes.js';
import {
  base64Decode,
  base64UrlEncode,
  type Macaroon,
  type MacaroonError,
  NotAuthorizedError,
} from '../../src/index.js';
import type { MacaroonTrace, Step, Trace } from './chain.js';
import { copyButton, h } from './dom.js';
import { FORMAT_NAMES, type ReadFailure, type Reading } from './read.js';

/** A field shown as text when it is printable UTF-8, otherwise as hex (marked so). */
function bytesView(bytes: Uint8Array): HTMLElement {
  const text = printableText(bytes);
  if (text !== undefined)
    return h('span', { class: 'value text' }, text === '' ? h('em', {}, '(empty)') : text);
  return h(
    'span',
    { class: 'value' },
    h('span', { class: 'tag' }, 'hex, not UTF-8'),
    ' ',
    h('code', { class: 'hex' }, bytesToHex(bytes)),
  );
}

export function macaroonName(index: number): string {
  return index === 0 ? 'root macaroon' : `discharge ${index}`;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function row(term: string, ...value: (Node | string)[]): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

/** A decoded bakery id (an Oven id, a public-key caveat's version and keys), when there is one. */
function bakeryRow(note: string | undefined): HTMLElement[] {
  return note ? row('bakery id', h('span', { class: 'bakery-id' }, note)) : [];
}

export function renderDecoded(reading: Reading): HTMLElement {
  const cards = reading.macaroons.map(({ macaroon: m, format, bakery }, index) => {
    const oven = describeOvenId(m.identifier);
    const caveats = m.caveats.map((c, i) =>
      h(
        'li',
        { class: c.verificationId ? 'caveat third' : 'caveat first', 'data-caveat': i + 1 },
        h('span', { class: 'tag' }, c.verificationId ? 'third-party' : 'first-party'),
        ' ',
        c.verificationId
          ? h(
              'dl',
              { class: 'fields' },
              ...row('location', c.location ? c.location : h('em', {}, '(none)')),
              ...row('identifier', bytesView(c.identifier)),
              ...row('vid', h('code', { class: 'hex' }, base64UrlEncode(c.verificationId))),
              ...bakeryRow(describeThirdPartyCaveatId(c.identifier, bakery?.caveatPayload(c.identifier))),
            )
          : bytesView(c.identifier),
      ),
    );
    const signature = bytesToHex(m.signature);
    return h(
      'article',
      { class: 'macaroon', 'data-index': index, 'aria-label': capital(macaroonName(index)) },
      h('h3', {}, capital(macaroonName(index)), ' ', h('span', { class: 'tag' }, FORMAT_NAMES[format])),
      h(
        'dl',
        { class: 'fields' },
        ...row('location', m.location ? m.location : h('em', {}, '(none)')),
        ...row('identifier', bytesView(m.identifier)),
        ...bakeryRow(oven),
        ...row(
          `caveats (${m.caveats.length})`,
          m.caveats.length === 0 ? h('em', {}, 'none') : h('ol', { class: 'caveats' }, caveats),
        ),
        ...row(
          'signature',
          h('code', { class: 'hex signature' }, signature),
          ' ',
          copyButton('signature', () => signature),
        ),
      ),
    );
  });
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'format' },
      'Format: ',
      h('strong', { id: 'detected-format' }, reading.description),
      reading.stripped ? ` (the header name "${reading.stripped}" was removed)` : '',
    ),
    cards,
  );
}

/** The text around a character offset, the character itself marked. */
function textContext(text: string, offset: number): HTMLElement {
  const from = Math.max(0, offset - 24);
  const to = Math.min(text.length, offset + 25);
  const ch = text.charAt(offset);
  return h(
    'code',
    { class: 'context' },
    from > 0 ? '…' : '',
    text.slice(from, offset),
    h('mark', {}, ch === '' ? '␄' : ch === '\n' ? '↵' : ch),
    text.slice(offset + 1, to),
    to < text.length ? '…' : '',
  );
}

/** The bytes around a byte offset of the decoded token, hex, the byte itself marked. */
function bytesContext(text: string, offset: number): HTMLElement | string {
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(text);
  } catch {
    return '';
  }
  const from = Math.max(0, offset - 8);
  const to = Math.min(bytes.length, offset + 9);
  return h(
    'code',
    { class: 'context' },
    from > 0 ? '… ' : '',
    bytesToHex(bytes.subarray(from, offset)),
    offset < bytes.length
      ? h('mark', {}, bytesToHex(bytes.subarray(offset, offset + 1)))
      : h('mark', {}, '(end)'),
    bytesToHex(bytes.subarray(offset + 1, to)),
    to < bytes.length ? ' …' : '',
  );
}

export function renderProblem(
  kind: 'error' | 'info',
  what: string | ReadFailure,
  prefix?: string,
): HTMLElement {
  if (typeof what === 'string') {
    return h('div', { class: `problem ${kind}`, role: kind === 'error' ? 'alert' : undefined }, what);
  }
  const { error, position, text } = what;
  return h(
    'div',
    { class: 'problem error', role: 'alert', 'data-code': error.code },
    h(
      'p',
      {},
      prefix ? `${prefix}: ` : '',
      h('strong', {}, error.name),
      ` (${error.code}): `,
      h('span', { class: 'message' }, error.message),
    ),
    position
      ? h(
          'p',
          { class: 'position' },
          position.in === 'text'
            ? [`Position: character ${position.offset} of the input `, textContext(text, position.offset)]
            : [
                `Position: byte ${position.offset} of the decoded bytes `,
                bytesContext(text, position.offset),
              ],
        )
      : '',
  );
}

export interface VerifyOutcome {
  readonly ok: boolean;
  readonly engine: string;
  readonly error?: MacaroonError;
}

function engineName(engine: string): string {
  if (engine === 'js') return 'the TypeScript engine';
  return `the WebAssembly engine (${engine === 'wasm-simd' ? 'SIMD' : 'scalar'})`;
}

function caveatText(macaroons: readonly Macaroon[], mi: number, ci: number): string {
  const c = macaroons[mi]?.caveats[ci];
  if (!c) return '';
  const text = printableText(c.identifier);
  return text !== undefined ? text : `hex ${bytesToHex(c.identifier)}`;
}

export function renderVerdict(
  outcome: VerifyOutcome,
  trace: Trace | undefined,
  clockProblem: string | undefined,
  macaroons: readonly Macaroon[] = [],
): HTMLElement {
  const clock = clockProblem ? renderProblem('error', clockProblem) : '';
  if (outcome.ok) {
    return h(
      'div',
      { class: 'verdict ok', 'data-verdict': 'authorized' },
      h('p', { class: 'result' }, '✔ ', h('strong', {}, 'authorized')),
      h('p', {}, `Verified by ${engineName(outcome.engine)}.`),
      clock,
    );
  }
  const error = outcome.error as MacaroonError;
  if (!(error instanceof NotAuthorizedError)) {
    return h(
      'div',
      { class: 'verdict refused', 'data-verdict': 'error', 'data-code': error.code },
      h('p', { class: 'result' }, '✖ ', h('strong', {}, 'cannot verify'), ` (${error.code})`),
      h('p', { class: 'message' }, error.message),
      clock,
    );
  }
  const failure = trace?.failure?.reason === error.reason ? trace.failure : undefined;
  return h(
    'div',
    { class: 'verdict no', 'data-verdict': 'not-authorized', 'data-reason': error.reason },
    h('p', { class: 'result' }, '✖ ', h('strong', {}, 'not authorized')),
    h(
      'dl',
      { class: 'fields' },
      ...row('reason', h('code', { class: 'reason' }, error.reason)),
      ...(failure
        ? row('macaroon', h('span', { class: 'failed-macaroon' }, macaroonName(failure.macaroon)))
        : []),
      ...(failure && failure.caveat >= 0
        ? row(
            'caveat',
            h(
              'span',
              { class: 'failed-caveat' },
              `${failure.caveat + 1}: ${caveatText(macaroons, failure.macaroon, failure.caveat)}`,
            ),
          )
        : []),
      ...row('message', h('span', { class: 'message' }, error.message)),
    ),
    h('p', {}, `Verified by ${engineName(outcome.engine)}.`),
    clock,
  );
}

function stepTitle(step: Step, m: Macaroon): (Node | string)[] {
  switch (step.kind) {
    case 'derive':
      return ['Derive the root key'];
    case 'identifier':
      return ['Identifier ', bytesView(m.identifier)];
    case 'bind':
      return ["Bind to the root's signature"];
    case 'first-party': {
      const c = m.caveats[step.caveat as number];
      return [
        `Caveat ${(step.caveat as number) + 1}, first-party `,
        c ? bytesView(c.identifier) : '',
        ' ',
        step.satisfied
          ? h('span', { class: 'mark good' }, '✔ satisfied')
          : h('span', { class: 'mark bad' }, '✖ not satisfied'),
      ];
    }
    case 'third-party': {
      const c = m.caveats[step.caveat as number];
      return [
        `Caveat ${(step.caveat as number) + 1}, third-party `,
        c ? bytesView(c.identifier) : '',
        ' ',
        step.opened
          ? h('span', { class: 'mark good' }, '✔ vid opens')
          : h('span', { class: 'mark bad' }, '✖ vid does not open (wrong key, or tampered)'),
        ' ',
        step.discharge === undefined
          ? h('span', { class: 'mark bad' }, '✖ no discharge')
          : h('span', { class: 'mark' }, `→ discharge ${step.discharge}`),
      ];
    }
  }
}

function renderMacaroonTrace(t: MacaroonTrace, macaroons: readonly Macaroon[]): HTMLElement {
  const m = macaroons[t.index] as Macaroon;
  const title = t.dischargeOf
    ? `${capital(macaroonName(t.index))}, for caveat ${t.dischargeOf.caveat + 1} of the ${macaroonName(t.dischargeOf.macaroon)}`
    : capital(macaroonName(t.index));
  return h(
    'article',
    {
      class: `trace ${t.matches ? 'match' : 'mismatch'}`,
      'data-index': t.index,
      'aria-label': `Chain of the ${macaroonName(t.index)}`,
    },
    h('h4', {}, title),
    h(
      'ol',
      { class: 'steps' },
      t.steps.map((s) =>
        h(
          'li',
          { class: `step ${s.kind}`, 'data-kind': s.kind },
          h('p', { class: 'title' }, ...stepTitle(s, m)),
          h('p', { class: 'formula' }, s.formula),
          h('code', { class: 'hex' }, bytesToHex(s.value)),
        ),
      ),
    ),
    h(
      'p',
      { class: 'compare' },
      t.matches
        ? h('span', { class: 'mark good' }, "✔ the chain ends with the token's signature")
        : [
            h('span', { class: 'mark bad' }, "✖ the chain does not end with the token's signature"),
            h('br'),
            'computed ',
            h('code', { class: 'hex computed' }, bytesToHex(t.computed)),
            h('br'),
            'in token ',
            h('code', { class: 'hex claimed' }, bytesToHex(t.claimed)),
          ],
    ),
    t.hints.length > 0
      ? h(
          'ul',
          { class: 'hints' },
          t.hints.map((hint) => h('li', {}, hint)),
        )
      : '',
  );
}

export function renderChain(trace: Trace, macaroons: readonly Macaroon[]): HTMLElement {
  return h(
    'div',
    {},
    trace.walked.map((t) => renderMacaroonTrace(t, macaroons)),
    trace.unused.length > 0
      ? h('p', { class: 'unused' }, `Not used by any caveat: ${trace.unused.map(macaroonName).join(', ')}.`)
      : '',
  );
}
