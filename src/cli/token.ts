/**
 * Tokens on the command line: read from an argument or stdin (`-`), decoded by the library, and named by
 * the form they came in, so that a command writes its output in the form it was given.
 */
import { BakeryMacaroon } from '../bakery/macaroon.js';
import { base64Decode, type Format, Macaroon, MacaroonError } from '../index.js';
import { type Context, InputError, UsageError } from './command.js';

export type Encoding = 'base64url' | 'base64' | 'raw' | 'json';
export type BundleKind = 'binary' | 'json' | 'bakery';

/** A token argument as the library takes it: text (trimmed) or, for raw binary on stdin, bytes. */
export type TokenInput = string | Uint8Array;

export interface DecodedToken {
  readonly macaroon: Macaroon;
  readonly format: Format;
  readonly encoding: Encoding;
  /** Set when the input was bakery's JSON wrapper (`{"m": …}`), which may carry caveat data. */
  readonly bakery?: BakeryMacaroon;
}

export interface DecodedBundle {
  readonly kind: BundleKind;
  readonly encoding: Encoding;
  readonly macaroons: readonly DecodedToken[];
}

export const FORMATS: readonly Format[] = ['v1', 'v2', 'v1j', 'v2j'];

const FORMAT_NAMES: Record<Format, string> = {
  v1: 'V1 binary',
  v2: 'V2 binary',
  v1j: 'V1 JSON',
  v2j: 'V2 JSON',
};

const ENCODING_NAMES: Record<Encoding, string> = {
  base64url: 'URL-safe base64',
  base64: 'standard base64',
  raw: 'raw bytes',
  json: 'text',
};

const BUNDLE_NAMES: Record<BundleKind, string> = {
  binary: "binary bundle (go-macaroon's Slice)",
  json: 'JSON array',
  bakery: 'bakery bundle (base64 of a JSON array)',
};

export function describeFormat(format: Format, encoding: Encoding): string {
  return encoding === 'json' ? FORMAT_NAMES[format] : `${FORMAT_NAMES[format]}, ${ENCODING_NAMES[encoding]}`;
}

export function describeBundle(bundle: DecodedBundle): string {
  const name = BUNDLE_NAMES[bundle.kind];
  return bundle.kind === 'binary' ? `${name}, ${ENCODING_NAMES[bundle.encoding]}` : name;
}

export function parseFormat(value: string | undefined): Format | undefined {
  if (value === undefined) return undefined;
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
}

/** The first bytes of raw binary: V2's version byte, or the 4 hex digits of a V1 packet length. */
function looksBinary(bytes: Uint8Array): boolean {
  if (bytes[0] === 2) return true;
  if (bytes.length < 4) return false;
  for (let i = 0; i < 4; i++) {
    const c = bytes[i] as number;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** stdin as a token: raw binary stays bytes; text (base64 or JSON, usually with a final newline) is trimmed. */
export function stdinToInput(bytes: Uint8Array): TokenInput {
  if (looksBinary(bytes)) return bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim();
  } catch {
    return bytes; // not text: the library says what is wrong with it
  }
}

/** Resolves token arguments, reading stdin for the one that is `-` (it can only be read once). */
export class TokenSource {
  #stdinUsed = false;

  constructor(private readonly ctx: Context) {}

  async read(arg: string): Promise<TokenInput> {
    if (arg !== '-') return arg.trim();
    if (this.#stdinUsed) throw new UsageError('only one argument can be - (standard input)');
    this.#stdinUsed = true;
    return stdinToInput(await this.ctx.readStdin());
  }
}

function encodingOf(input: TokenInput): Encoding {
  if (input instanceof Uint8Array) return 'raw';
  const first = input.charAt(0);
  if (first === '{' || first === '[') return 'json';
  return /[+/]/.test(input) ? 'base64' : 'base64url';
}

function formatOf(m: Macaroon, encoding: Encoding): Format {
  if (encoding === 'json') return m.version === 1 ? 'v1j' : 'v2j';
  return m.version === 1 ? 'v1' : 'v2';
}

function inputError(prefix: string, e: unknown): unknown {
  if (e instanceof MacaroonError && !(e instanceof UsageError)) {
    return new InputError(`${prefix}: ${e.message}`, { cause: e });
  }
  return e;
}

/** Bakery's JSON wrapper of a macaroon (version 3), or undefined when the input is not one. */
function bakeryWrapper(input: TokenInput): BakeryMacaroon | undefined {
  if (typeof input !== 'string' || !input.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('m' in parsed)) return undefined;
  return BakeryMacaroon.fromJSON(parsed);
}

export function decodeToken(input: TokenInput, what: string): DecodedToken {
  const encoding = encodingOf(input);
  try {
    const bakery = bakeryWrapper(input);
    if (bakery) return { macaroon: bakery.macaroon, format: 'v2j', encoding, bakery };
    const macaroon = Macaroon.deserialize(input);
    return { macaroon, format: formatOf(macaroon, encoding), encoding };
  } catch (e) {
    throw inputError(`cannot read ${what}`, e);
  }
}

function bundleKind(input: TokenInput, encoding: Encoding): BundleKind {
  if (encoding === 'json') return 'json';
  if (input instanceof Uint8Array) return 'binary'; // raw bytes from stdin that were not text
  const bytes = base64Decode(input);
  return bytes[0] === 0x5b /* [ */ ? 'bakery' : 'binary';
}

export function decodeBundle(input: TokenInput, what: string): DecodedBundle {
  const encoding = encodingOf(input);
  try {
    const list = Macaroon.deserializeBundle(input);
    const kind = bundleKind(input, encoding);
    const itemEncoding = kind === 'binary' ? encoding : 'json';
    return {
      kind,
      encoding,
      macaroons: list.map((macaroon) => ({
        macaroon,
        format: formatOf(macaroon, itemEncoding),
        encoding: itemEncoding,
      })),
    };
  } catch (e) {
    throw inputError(`cannot read ${what}`, e);
  }
}

/**
 * One macaroon, or a bundle (a root and its discharges) when the input holds several. A single
 * macaroon's error wins, since that is what most inputs are meant to be.
 */
export function decodeTokenOrBundle(input: TokenInput, what: string): DecodedToken | DecodedBundle {
  try {
    return decodeToken(input, what);
  } catch (single) {
    try {
      return decodeBundle(input, what);
    } catch (bundle) {
      throw encodingOf(input) === 'json' && typeof input === 'string' && input.startsWith('[')
        ? bundle
        : single;
    }
  }
}

export function isBundle(d: DecodedToken | DecodedBundle): d is DecodedBundle {
  return 'macaroons' in d;
}

/** Serializes for output; a format the macaroon cannot take (binary identifier in V1) is bad input. */
export function encodeToken(m: Macaroon, format: Format): string {
  try {
    return m.serialize(format);
  } catch (e) {
    throw inputError(`cannot write ${format}`, e);
  }
}
