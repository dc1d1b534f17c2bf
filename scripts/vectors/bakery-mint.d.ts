import type { BakeryPeer } from './bakery-peers.js';
import type { BakeryDischargerSpec, BakeryPlan } from './bakery-plans.js';
export interface KeyPairJson {
  public: string;
  private: string;
}
export interface BakeryKeys {
  svc: KeyPairJson;
  tp1: KeyPairJson;
  tp2: KeyPairJson;
}
export interface PeerBakeryCase {
  plan: string;
  version: 1 | 2 | 3;
  macaroon: Record<string, unknown>;
  slice: Record<string, unknown>[];
  verdicts: { nowMs: number; ok: boolean; error?: string }[];
}
export const ROOT_KEY_B64: string;
export function dischargerSpecs(
  plan: BakeryPlan,
  keys: BakeryKeys,
): Record<string, BakeryDischargerSpec & { keyPair: KeyPairJson; thirdParties: Record<string, unknown> }>;
export function peerBakeryCases(peer: BakeryPeer): { keys: BakeryKeys; cases: PeerBakeryCase[] };
