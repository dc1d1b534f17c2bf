// The verifier module of the worker pool check (subpaths-cli.js): a Verifier per worker thread.
import { Verifier } from 'macaroon-engine';

export function createVerifier() {
  return new Verifier();
}
