import { describe, expect, it } from 'vitest';
import { clearNamespace, datastoreClient } from './datastore.js';

describe('clearNamespace', () => {
  it('refuses the default namespace before sending anything', async () => {
    // An address nothing listens on: a call that got as far as the network would fail otherwise.
    const datastore = datastoreClient('127.0.0.1:1');
    await expect(clearNamespace(datastore, '')).rejects.toThrow(/refusing to clear the default namespace/);
  });
});
