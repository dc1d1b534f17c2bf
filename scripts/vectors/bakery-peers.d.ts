export interface BakeryPeer {
  readonly name: string;
  readonly version: string;
  run(jobs: readonly Record<string, unknown>[]): Record<string, any>[];
}
export const BAKERY_PEER_NAMES: readonly string[];
export function openBakeryPeer(name: string): { peer?: BakeryPeer; missing?: string };
export function buildGoBakeryProgram(mainGo: string): { binary?: string; missing?: string };
