export interface BakeryCaveatSpec {
  readonly condition: string;
  readonly location?: string;
  readonly namespace?: string;
}
export interface BakeryDischargerSpec {
  readonly expectCondition?: string;
  readonly refuse?: string;
  readonly caveats: readonly BakeryCaveatSpec[];
}
export interface BakeryPlan {
  readonly name: string;
  readonly caveats: readonly BakeryCaveatSpec[];
  readonly dischargers: Readonly<Record<string, BakeryDischargerSpec>>;
  readonly oven?: { readonly ops: readonly (readonly [string, string])[]; readonly expiryMs: number };
}
export const TP1: string;
export const TP2: string;
export const NOW_VALID: number;
export const NOW_EXPIRED: number;
export const BAKERY_PLANS: readonly BakeryPlan[];
export const BAKERY_VERSIONS: readonly (1 | 2 | 3)[];
