/**
 * The page's state in the URL fragment, which browsers never send to a server. Keys are left out unless
 * the user asks for them: a link with a root key in it is a root key.
 */

export interface PageState {
  readonly token: string;
  readonly discharges: string;
  readonly exact: string;
  readonly timeBefore: boolean;
  readonly bakeryStd: boolean;
  readonly operations: string;
  /** RFC 3339, or '' for the current time. */
  readonly now: string;
  readonly allowUnused: boolean;
  readonly keyEncoding: string;
  readonly includeKeys: boolean;
  /** Only written when includeKeys is set. */
  readonly rootKey: string;
}

export const EMPTY_STATE: PageState = {
  token: '',
  discharges: '',
  exact: '',
  timeBefore: true,
  bakeryStd: true,
  operations: '',
  now: '',
  allowUnused: false,
  keyEncoding: 'text',
  includeKeys: false,
  rootKey: '',
};

/** The fragment (without '#') for a state. Defaults are left out so links stay short. */
export function toFragment(state: PageState): string {
  const p = new URLSearchParams();
  if (state.token) p.set('token', state.token);
  if (state.discharges) p.set('discharges', state.discharges);
  if (state.exact) p.set('exact', state.exact);
  if (!state.timeBefore) p.set('time', 'off');
  if (!state.bakeryStd) p.set('bakery', 'off');
  if (state.operations) p.set('ops', state.operations);
  if (state.now) p.set('now', state.now);
  if (state.allowUnused) p.set('unused', 'allow');
  if (state.keyEncoding !== 'text') p.set('keyenc', state.keyEncoding);
  if (state.includeKeys && state.rootKey) p.set('rootkey', state.rootKey);
  return p.toString();
}

export function fromFragment(fragment: string): PageState {
  const p = new URLSearchParams(fragment.replace(/^#/, ''));
  const rootKey = p.get('rootkey') ?? '';
  return {
    token: p.get('token') ?? '',
    discharges: p.get('discharges') ?? '',
    exact: p.get('exact') ?? '',
    timeBefore: p.get('time') !== 'off',
    bakeryStd: p.get('bakery') !== 'off',
    operations: p.get('ops') ?? '',
    now: p.get('now') ?? '',
    allowUnused: p.get('unused') === 'allow',
    keyEncoding: p.get('keyenc') ?? 'text',
    includeKeys: rootKey !== '',
    rootKey,
  };
}
