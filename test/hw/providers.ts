/** The providers every vector suite runs against, built fresh per suite. */
import { createNodeProvider } from '../../hw/node.js';
import {
  completeProvider, createCountingProvider, createEspruinoProvider, nobleProvider,
  type FullCryptoProvider, type HashName,
} from '../../hw/index.js';
import { createEspruinoStandIn } from './espruino-standin.js';
import { xsProvider } from '../../src/device/xs-provider.js';

export interface ProviderUnderTest {
  label: string;
  provider: FullCryptoProvider;
  /** Hashes the provider refuses by design (MD_FEATURE_UNAVAILABLE): Espruino's firmware has no MD5. */
  unsupportedHashes?: readonly HashName[];
}

export function providersUnderTest(): ProviderUnderTest[] {
  const counting = createCountingProvider(nobleProvider);
  return [
    { label: 'noble', provider: completeProvider(nobleProvider) },
    { label: 'node', provider: completeProvider(createNodeProvider()) },
    { label: 'xs', provider: completeProvider(xsProvider) },
    { label: 'espruino-stand-in', provider: completeProvider(createEspruinoProvider(createEspruinoStandIn())), unsupportedHashes: ['md5'] },
    { label: 'counting(noble)', provider: completeProvider(counting.provider) },
    // Only a hash: HMAC comes from hw/hmac.ts on that hash, AES from noble.
    { label: 'hash-only', provider: completeProvider({ name: 'hash-only', hash: nobleProvider.hash }) },
  ];
}
