import type { MacaroonSpec, MintRequest, MintResult, Plan, Verdict, VerifyCase } from './cases.js';

export interface PeerInfo {
  readonly writes: readonly string[];
  readonly reads: readonly string[];
  readonly allowUnusedDischarges: boolean;
  sameBytes(format: string, spec: MacaroonSpec): boolean;
  excludes?(format: string, plan: Plan): string | undefined;
}

export interface Peer {
  readonly name: string;
  readonly version: string;
  run(request: { op: 'mint'; plans: readonly MintRequest[] }): { results: MintResult[] };
  run(request: { op: 'verify'; cases: readonly VerifyCase[] }): { results: Verdict[] };
}

export declare const PEERS: Record<string, PeerInfo>;
export declare const PEER_NAMES: string[];
export declare function openPeer(name: string, workDir?: string): { peer?: Peer; missing?: string };
