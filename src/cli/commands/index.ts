import type { Command } from '../command.js';
import { attenuate } from './attenuate.js';
import { bench } from './bench.js';
import { bind } from './bind.js';
import { completionCommand } from './completion.js';
import { discharge } from './discharge.js';
import { discharger } from './discharger.js';
import { inspect } from './inspect.js';
import { keypair } from './keypair.js';
import { mint } from './mint.js';
import { revoke } from './revoke.js';
import { thirdParty } from './third-party.js';
import { verify } from './verify.js';

/** In the order a token's life goes, which is also the order of `macaroon help`. */
export const COMMANDS: readonly Command[] = [
  inspect,
  mint,
  attenuate,
  keypair,
  thirdParty,
  discharge,
  discharger,
  bind,
  verify,
  revoke,
  bench,
  completionCommand(() => COMMANDS),
];
