import type { Plan } from './cases.js';

export declare const PLANS: readonly Plan[];
export declare const CAVEAT_LENGTHS: readonly number[];
export declare function predicateOfLength(n: number): string;
