/**
 * General checks a gateway commonly needs, for `Verifier.satisfyGeneral` (defined with the library's
 * core, which recognises them: ../time-before.ts).
 */
export { type ClockContext, timeBefore } from '../time-before.js';
