/** Types of the vector schema and of the peer protocol (see vectors/README.md). */
export type ByteString = { readonly text: string } | { readonly hex: string };
export type GeneralCheckSpec = { readonly kind: 'prefix'; readonly value: string };
export type CaveatSpec =
  | { readonly predicate: ByteString }
  | { readonly location: string; readonly key: ByteString; readonly id: ByteString };

export interface MacaroonSpec {
  readonly location: string;
  readonly key: ByteString;
  readonly id: ByteString;
  readonly caveats: readonly CaveatSpec[];
  readonly bind?: boolean;
  /** The wire version of this discharge when it differs from the plan's (go's Slice may mix them). */
  readonly version?: 1 | 2;
}

export interface Plan {
  readonly name: string;
  readonly description: string;
  readonly versions: readonly (1 | 2)[];
  readonly root: MacaroonSpec;
  readonly discharges?: readonly MacaroonSpec[];
  readonly rootKey?: ByteString;
  readonly exact?: readonly ByteString[];
  readonly general?: readonly GeneralCheckSpec[];
  readonly variants?: readonly string[];
  /** Only these formats (e.g. bundles of macaroons of mixed versions). */
  readonly formats?: readonly WireFormat[];
}

export type WireFormat = 'v1' | 'v2' | 'v1j' | 'v2j' | 'slice' | 'slice-json';

export interface Output {
  readonly root?: string;
  readonly discharges?: readonly string[];
  readonly bundle?: string;
}

export interface MintRequest {
  readonly name: string;
  readonly version: 1 | 2;
  readonly root: MacaroonSpec;
  readonly discharges: readonly MacaroonSpec[];
  readonly formats: readonly WireFormat[];
}

export interface MintResult {
  readonly outputs: Partial<Record<WireFormat, Output>>;
  readonly errors?: Partial<Record<WireFormat, string>>;
  readonly signature?: string;
  readonly dischargeSignatures?: readonly string[];
  readonly error?: string;
}

export interface VerifyCase {
  readonly name: string;
  readonly description: string;
  readonly format: WireFormat;
  readonly root?: string;
  readonly discharges?: readonly string[];
  readonly bundle?: string;
  readonly rootKey: ByteString;
  readonly exact: readonly ByteString[];
  readonly general: readonly GeneralCheckSpec[];
  readonly allowUnusedDischarges: boolean;
  readonly sameBytes: boolean;
}

export interface Verdict {
  readonly verdict: 'ok' | 'not-authorized' | 'decode-error';
  readonly signature?: string;
  /** Every macaroon's signature as the peer read it: the root, then the discharges (bundle order). */
  readonly signatures?: readonly string[];
  readonly message?: string;
}

export interface VectorCase extends VerifyCase {
  readonly expect: {
    readonly verdict: 'ok' | 'not-authorized';
    readonly signature: string;
    readonly signatures: readonly string[];
    readonly peerMessage?: string;
  };
}

export interface ExpandOptions {
  readonly allowUnusedDischarges: boolean;
  readonly sameBytes?: (format: string, spec: MacaroonSpec) => boolean;
}

export declare const BUNDLE_FORMATS: readonly WireFormat[];
export declare const FORMATS_BY_VERSION: Record<1 | 2, readonly WireFormat[]>;
export declare function mintRequest(plan: Plan, version: 1 | 2, formats: readonly string[]): MintRequest;
export declare function expandCases(
  plan: Plan,
  version: 1 | 2,
  outputs: Partial<Record<WireFormat, Output>>,
  options: ExpandOptions,
): VerifyCase[];
export declare function peerCases(
  peer: import('./peers.js').Peer,
  info: import('./peers.js').PeerInfo,
  plans: readonly Plan[],
): {
  cases: VectorCase[];
  notMinted: { plan: string; format?: string; error: string }[];
  unreadable: { name: string; error: string }[];
  excluded: { name: string; reason: string }[];
};
