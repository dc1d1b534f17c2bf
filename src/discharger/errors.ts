/**
 * What a discharger's check throws to answer other than a discharge: a refusal (httpbakery's
 * `permission denied`, 401) or a demand for interaction (`interaction required`, with the methods the
 * discharger offers). Both are MacaroonErrors with stable codes; the client surfaces the second as the
 * same class.
 */
import { MacaroonError } from '../errors.js';

/**
 * The third party refuses the caveat. The message is sent to the client.
 *
 * @example
 * ```ts
 * import { KeyPair } from 'macaroon-engine/bakery';
 * import { createDischarger, DischargeRefusedError } from 'macaroon-engine/discharger';
 *
 * createDischarger({
 *   key: KeyPair.generate(),
 *   check: (condition) => {
 *     if (condition !== 'is-user alice') throw new DischargeRefusedError('not alice');
 *     return [];
 *   },
 * });
 * ```
 */
export class DischargeRefusedError extends MacaroonError {
  override readonly code = 'ERR_DISCHARGE_REFUSED';
}

/**
 * What an interaction-required answer carries (httpbakery's ErrorInfo).
 *
 * @example
 * ```ts
 * const info: InteractionInfo = { methods: { 'browser-window': { VisitURL: 'https://auth.example/login', WaitTokenURL: 'https://auth.example/wait' } } };
 * throw new InteractionRequiredError('log in', info);
 * ```
 */
export interface InteractionInfo {
  /** Interaction kind → its parameters, e.g. `{ 'browser-window': { VisitURL, WaitTokenURL } }`. */
  readonly methods?: Readonly<Record<string, unknown>> | undefined;
  /** The legacy form: a URL to visit and one to wait on. */
  readonly visitURL?: string | undefined;
  /** The legacy form's URL to wait on for the discharge. */
  readonly waitURL?: string | undefined;
}

/**
 * The third party needs the user before it discharges (httpbakery's interaction-required error). Thrown
 * by a discharger's check; the client raises it too, carrying what the discharger offered.
 *
 * @example
 * ```ts
 * const url = 'https://auth.example/login?session=1';
 * const wait = 'https://auth.example/wait?session=1';
 * throw new InteractionRequiredError('log in first', { methods: { 'browser-window': { VisitURL: url, WaitTokenURL: wait } } });
 * ```
 */
export class InteractionRequiredError extends MacaroonError {
  override readonly code = 'ERR_INTERACTION_REQUIRED';
  /** How the client can interact (methods, or the legacy visit and wait URLs). */
  readonly interaction: InteractionInfo;
  /** The third party's location (set by the client). */
  readonly location: string | undefined;

  constructor(message: string, interaction: InteractionInfo = {}, location?: string) {
    super(message);
    this.interaction = interaction;
    this.location = location;
  }
}
