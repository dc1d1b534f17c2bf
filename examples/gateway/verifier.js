// The example gateway's verifier, in a module of its own because the worker pool imports it in every
// worker thread (checks are functions: they cannot be sent to a worker, each worker builds its own).
import { Verifier } from 'macaroon-engine';
import { timeBefore } from 'macaroon-engine/gateway';

/**
 * Satisfied for every request: the service's own name and API version (tokens may be narrowed to this
 * service) and `time < T` while T is in the future. Per request, the server adds `account = <id>` and
 * `action = read`.
 */
export function createVerifier({ engine = 'auto' } = {}) {
  return new Verifier({ engine })
    .satisfyExact('service = accounts')
    .satisfyExact('api = v1')
    .satisfyGeneral(timeBefore);
}
