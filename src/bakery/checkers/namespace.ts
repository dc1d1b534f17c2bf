/**
 * Checker namespaces: a map from namespace URI to the prefix its conditions carry (`prefix:condition`,
 * bare when the prefix is empty, as the standard namespace `std` is). The text form is bakery's
 * (`bakery/checkers/namespace.go`): `uri:prefix` fields sorted by URI, one space apart.
 */
import { InvalidArgumentError } from '../../errors.js';

/** Go's `unicode.IsSpace`: ASCII and Unicode white space. */
const SPACE = /[\s\u0085]/u;

function validUri(uri: string): boolean {
  return uri.length > 0 && !SPACE.test(uri) && isWellFormed(uri);
}

function validPrefix(prefix: string): boolean {
  return !prefix.includes(':') && !SPACE.test(prefix) && isWellFormed(prefix);
}

function isWellFormed(text: string): boolean {
  // No lone surrogates: the text round-trips through UTF-8 (Go's utf8.ValidString on the bytes).
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/**
 * `prefix:condition`, or the bare condition when the prefix is empty.
 *
 * @example
 * ```ts
 * checkers.conditionWithPrefix('http', 'client-ip-addr'); // 'http:client-ip-addr'
 * checkers.conditionWithPrefix('', 'time-before'); // 'time-before'
 * ```
 */
export function conditionWithPrefix(prefix: string, condition: string): string {
  return prefix === '' ? condition : `${prefix}:${condition}`;
}

/**
 * A set of namespace URIs and their prefixes. Immutable once built: `register` returns a new namespace.
 *
 * @example
 * ```ts
 * const ns = Namespace.parse('std: http:http');
 * ns.resolve('http'); // 'http'
 * String(ns);         // 'http:http std:'
 * ```
 */
export class Namespace {
  readonly #prefixes: ReadonlyMap<string, string>;

  constructor(uriToPrefix: Readonly<Record<string, string>> | ReadonlyMap<string, string> = {}) {
    const entries = uriToPrefix instanceof Map ? [...uriToPrefix] : Object.entries(uriToPrefix);
    const map = new Map<string, string>();
    for (const [uri, prefix] of entries) {
      checkEntry(uri, prefix);
      if (!map.has(uri)) map.set(uri, prefix);
    }
    this.#prefixes = map;
    Object.freeze(this);
  }

  /** Parses the text form. Throws InvalidArgumentError for a malformed field or a repeated URI. */
  static parse(text: string): Namespace {
    const map = new Map<string, string>();
    for (const field of text.split(/[\s\u0085]+/u)) {
      if (field === '') continue;
      const i = field.lastIndexOf(':');
      if (i < 0) throw new InvalidArgumentError(`no colon in namespace field ${JSON.stringify(field)}`);
      const uri = field.slice(0, i);
      const prefix = field.slice(i + 1);
      if (!validUri(uri)) throw new InvalidArgumentError(`invalid URI ${JSON.stringify(uri)} in namespace`);
      if (!validPrefix(prefix)) {
        throw new InvalidArgumentError(`invalid prefix ${JSON.stringify(prefix)} in namespace`);
      }
      if (map.has(uri)) throw new InvalidArgumentError(`duplicate URI ${JSON.stringify(uri)} in namespace`);
      map.set(uri, prefix);
    }
    return new Namespace(map);
  }

  /** A namespace with `uri` registered under `prefix`, unless `uri` is already there (as bakery does). */
  register(uri: string, prefix: string): Namespace {
    checkEntry(uri, prefix);
    if (this.#prefixes.has(uri)) return this;
    return new Namespace(new Map([...this.#prefixes, [uri, prefix]]));
  }

  /** The prefix of `uri`, or undefined when it is not registered. */
  resolve(uri: string): string | undefined {
    return this.#prefixes.get(uri);
  }

  /** The URIs, sorted. */
  get uris(): string[] {
    return [...this.#prefixes.keys()].sort(compareBytes);
  }

  /** The text form: `uri:prefix` fields sorted by URI; empty for an empty namespace. */
  toString(): string {
    return this.uris.map((uri) => `${uri}:${this.#prefixes.get(uri)}`).join(' ');
  }

  /** The namespace in its text form (as `String(ns)`). */
  toJSON(): string {
    return this.toString();
  }

  /** Same URIs with the same prefixes. */
  equals(other: Namespace): boolean {
    return other instanceof Namespace && other.toString() === this.toString();
  }
}

function checkEntry(uri: string, prefix: string): void {
  if (typeof uri !== 'string' || !validUri(uri)) {
    throw new InvalidArgumentError(`invalid namespace URI ${JSON.stringify(uri)}`);
  }
  if (typeof prefix !== 'string' || !validPrefix(prefix)) {
    throw new InvalidArgumentError(`invalid prefix ${JSON.stringify(prefix)} for namespace ${uri}`);
  }
}

/** Go sorts strings by their UTF-8 bytes; for UTF-16 that is code point order, not code unit order. */
function compareBytes(a: string, b: string): number {
  const ca = [...a];
  const cb = [...b];
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ((ca[i] as string).codePointAt(0) as number) - ((cb[i] as string).codePointAt(0) as number);
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** The namespace of macaroons from before bakery version 3: `std` with the empty prefix. */
export const LEGACY_NAMESPACE = new Namespace({ std: '' });
