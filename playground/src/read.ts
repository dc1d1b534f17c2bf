/**
 * Reading whatever a user pastes: the library decodes, this module only names what it found (format,
 * alphabet, bundle kind) and, for bad input, where it went wrong.
 */
import { BakeryMacaroon } from '../../src/bakery/index.js';
import { base64Decode, DecodeError, type Format, Macaroon, MacaroonError } from '../../src/index.js';

/** One macaroon of the input, with the wire format it came in. */
export interface ReadMacaroon {
  readonly macaroon: Macaroon;
  readonly format: Format;
  /** Set when the input was bakery's JSON macaroon (`{"m": …}`): its version, namespace, caveat data. */
  readonly bakery?: BakeryMacaroon;
}

export const FORMAT_NAMES: Record<Format, string> = {
  v1: 'V1 binary',
  v2: 'V2 binary',
  v1j: 'V1 JSON',
  v2j: 'V2 JSON',
};

export interface Reading {
  /** What the whole input is, e.g. "V2 binary, URL-safe base64" or "bundle: JSON array of 2 macaroons". */
  readonly description: string;
  /** A prefix the page removed (an HTTP header name), or undefined. */
  readonly stripped?: string;
  readonly macaroons: readonly ReadMacaroon[];
}

export interface ReadFailure {
  readonly error: MacaroonError;
  /** Where in the text (a character offset) or in the decoded bytes (a byte offset) the problem is. */
  readonly position?: { readonly offset: number; readonly in: 'text' | 'bytes' };
  /** The text the position refers to (after stripping a header name). */
  readonly text: string;
}

const HEADER =
  /^\s*(?:(?:authorization\s*:\s*)?(?:macaroon|bearer)\s+|macaroons\s*:\s*|cookie\s*:\s*macaroon-[^=]*=)/i;

/** Removes an HTTP header name a user may have pasted with the value. */
function stripHeader(text: string): { text: string; stripped?: string } {
  const match = HEADER.exec(text);
  if (!match) return { text };
  return { text: text.slice(match[0].length), stripped: match[0].trim() };
}

function alphabet(text: string): string {
  const url = /[-_]/.test(text);
  const std = /[+/]/.test(text);
  const parts = [url && std ? 'mixed base64 alphabets' : std ? 'standard base64' : 'URL-safe base64'];
  if (/=\s*$/.test(text)) parts.push('padded');
  if (/\s/.test(text.trim())) parts.push('with line breaks');
  return parts.join(', ');
}

const binary = (m: Macaroon): Format => (m.version === 1 ? 'v1' : 'v2');
const json = (m: Macaroon): Format => (m.version === 1 ? 'v1j' : 'v2j');

function plural(n: number): string {
  return n === 1 ? '1 macaroon' : `${n} macaroons`;
}

/** Decodes `input`; returns undefined for empty input. Throws nothing: failures come back as ReadFailure. */
export function readToken(input: string): Reading | ReadFailure | undefined {
  const { text, stripped } = stripHeader(input);
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    const reading = read(trimmed);
    return stripped ? { ...reading, stripped } : reading;
  } catch (e) {
    return failure(e, trimmed);
  }
}

function read(text: string): Reading {
  const first = text.charAt(0);
  if (first === '{') {
    const bakery = readBakeryJson(text);
    if (bakery) {
      const m = bakery.macaroon;
      const data = bakery.caveatData.size;
      return {
        description: `bakery JSON macaroon (bakery version ${bakery.version}, ${FORMAT_NAMES[json(m)]} inside${data > 0 ? `, caveat data for ${data === 1 ? '1 caveat' : `${data} caveats`}` : ''})`,
        macaroons: [{ macaroon: m, format: json(m), bakery }],
      };
    }
    const m = Macaroon.deserialize(text);
    return { description: FORMAT_NAMES[json(m)], macaroons: [{ macaroon: m, format: json(m) }] };
  }
  if (first === '[') {
    const list = Macaroon.deserializeBundle(text);
    return {
      description: `bundle: JSON array of ${plural(list.length)}`,
      macaroons: list.map((m) => ({ macaroon: m, format: json(m) })),
    };
  }
  const bytes = base64Decode(text, 'token base64');
  if (bytes[0] === 0x5b /* [ */ || bytes[0] === 0x7b /* { */) {
    const list = Macaroon.deserializeBundle(text);
    return {
      description: `bakery form: ${alphabet(text)} of a JSON array of ${plural(list.length)}`,
      macaroons: list.map((m) => ({ macaroon: m, format: json(m) })),
    };
  }
  const list = Macaroon.deserializeBundle(bytes);
  if (list.length === 1) {
    const m = list[0] as Macaroon;
    return {
      description: `${FORMAT_NAMES[binary(m)]}, ${alphabet(text)}`,
      macaroons: [{ macaroon: m, format: binary(m) }],
    };
  }
  return {
    description: `bundle: ${plural(list.length)} concatenated (go-macaroon Slice), ${alphabet(text)}`,
    macaroons: list.map((m) => ({ macaroon: m, format: binary(m) })),
  };
}

/** Bakery's JSON macaroon (an object with an "m" field), or undefined for anything else. */
function readBakeryJson(text: string): BakeryMacaroon | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined; // the library's JSON reader reports it
  }
  if (typeof parsed !== 'object' || parsed === null || !('m' in parsed)) return undefined;
  return BakeryMacaroon.fromJSON(parsed);
}

function failure(e: unknown, text: string): ReadFailure {
  const error =
    e instanceof MacaroonError
      ? e
      : new MacaroonError(`unexpected failure: ${e instanceof Error ? e.message : e}`);
  const offset = /offset (\d+)/.exec(error.message);
  if (offset) {
    const inText = /base64/.test(error.message);
    return { error, text, position: { offset: Number(offset[1]), in: inText ? 'text' : 'bytes' } };
  }
  // The library names no position for malformed JSON; the browser's own parser does.
  if (error instanceof DecodeError && /JSON/.test(error.message)) {
    try {
      JSON.parse(text);
    } catch (syntax) {
      const at = /position (\d+)/.exec(String(syntax));
      if (at) return { error, text, position: { offset: Number(at[1]), in: 'text' } };
    }
  }
  return { error, text };
}

export function isFailure(r: Reading | ReadFailure): r is ReadFailure {
  return 'error' in r;
}

/** Several discharges: one token or bundle per line (or one bundle). */
export function readDischarges(input: string): {
  macaroons: Macaroon[];
  failures: { line: number; failure: ReadFailure }[];
} {
  const macaroons: Macaroon[] = [];
  const failures: { line: number; failure: ReadFailure }[] = [];
  const lines = splitTokens(input);
  lines.forEach(({ text, line }) => {
    const r = readToken(text);
    if (!r) return;
    if (isFailure(r)) failures.push({ line, failure: r });
    else for (const m of r.macaroons) macaroons.push(m.macaroon);
  });
  return { macaroons, failures };
}

/**
 * Splits a discharge list into tokens: JSON values may span lines (and are kept whole); otherwise a
 * blank line or a new line starting a token separates them. Base64 wrapped over lines stays one token
 * when the lines are not separated by a blank line and each wrapped line is a full 64 or 76 columns.
 */
function splitTokens(input: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const lines = input.split('\n');
  let current: string[] = [];
  let start = 0;
  let depth = 0;
  const flush = () => {
    if (current.join('').trim() !== '') out.push({ text: current.join('\n'), line: start + 1 });
    current = [];
  };
  lines.forEach((line, i) => {
    if (current.length === 0) start = i;
    current.push(line);
    for (const c of line) {
      if (c === '[' || c === '{') depth++;
      else if (c === ']' || c === '}') depth--;
    }
    if (depth > 0) return;
    depth = 0;
    const wrapped = /^[A-Za-z0-9+/_-]{64}$|^[A-Za-z0-9+/_-]{76}$/.test(line.trim());
    if (!wrapped) flush();
  });
  flush();
  return out;
}
