/**
 * The discharger's and client's errors carry codes of the MacaroonErrorCode union, typed as their literal
 * (the assignments below compile only if they are), so `switch (e.code)` covers them.
 */
import { describe, expect, it } from 'vitest';
import { DischargeError } from '../../src/client/index.js';
import { DischargeRefusedError, InteractionRequiredError } from '../../src/discharger/index.js';
import { MacaroonError, type MacaroonErrorCode } from '../../src/index.js';

describe('httpbakery error codes', () => {
  it('are literals of the union, on MacaroonError subclasses', () => {
    const discharge: 'ERR_DISCHARGE' = new DischargeError('x', 500, 'c').code;
    const refused: 'ERR_DISCHARGE_REFUSED' = new DischargeRefusedError('no').code;
    const interaction: 'ERR_INTERACTION_REQUIRED' = new InteractionRequiredError('log in').code;
    const codes: MacaroonErrorCode[] = [discharge, refused, interaction];
    expect(codes).toEqual(['ERR_DISCHARGE', 'ERR_DISCHARGE_REFUSED', 'ERR_INTERACTION_REQUIRED']);
    for (const e of [
      new DischargeError('x', 0),
      new DischargeRefusedError('n'),
      new InteractionRequiredError('i'),
    ]) {
      expect(e).toBeInstanceOf(MacaroonError);
    }
  });
});
