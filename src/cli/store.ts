/**
 * `--store URL` for mint and revoke: a root-key store opened from its URL (redis://, postgres://,
 * file:PATH), with the rotation policy the example gateway uses. The URL may hold a password: no
 * message here repeats it.
 */
import { DEFAULT_ROTATION_POLICY, type RootKeyStore } from '../store/index.js';
import { openStore } from '../store/open.js';
import { InputError, type OptionSpec, type OptionValues, stringOption } from './command.js';

export const STORE_OPTIONS: Record<string, OptionSpec> = { store: { type: 'string' } };

export const STORE_HELP = `  --store URL      a shared root-key store: redis://HOST:PORT, postgres://USER@HOST/DB or file:PATH
                   (keys rotate daily and verify for 8 days, as the example gateway's)`;

/** Opens the store given by --store, runs `use`, and closes the store whatever happens. */
export async function withStore<T>(
  values: OptionValues,
  use: (store: RootKeyStore) => Promise<T>,
): Promise<T> {
  const url = stringOption(values, 'store') as string;
  let store: RootKeyStore;
  try {
    store = await openStore(url, { policy: DEFAULT_ROTATION_POLICY });
  } catch (e) {
    const code = (e as { code?: string })?.code ?? 'unknown error';
    throw new InputError(`cannot open the store given by --store (${code})`);
  }
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
