import { describe, expect, it } from 'vitest';
import { lockedVersions, untestedPackages, type Lockfile } from './lockfile.js';

const root: Lockfile = {
  lockfileVersion: 3,
  packages: {
    '': { name: 'gaesession-workspace' },
    'node_modules/zod': { version: '4.6.7' },
    'node_modules/@grpc/grpc-js': { version: '1.14.7' },
    'node_modules/a/node_modules/zod': { version: '3.25.0' },
    'node_modules/@gaesession/core': { link: true },
    'libs/core': { version: '0.1.0' },
    'node_modules/vitest': { version: '4.1.12' },
  },
};

describe('bundle lockfile checks', () => {
  it('lists the installed name@version pairs, nested ones too, without links or workspace folders', () => {
    expect([...lockedVersions(root)].sort()).toEqual([
      '@grpc/grpc-js@1.14.7',
      'vitest@4.1.12',
      'zod@3.25.0',
      'zod@4.6.7',
    ]);
  });

  it('finds what a bundle locks that the root lockfile does not hold at that version', () => {
    const pruned: Lockfile = {
      packages: {
        '': { name: '@gaesession/worker' },
        'node_modules/zod': { version: '4.6.7' },
        'node_modules/@grpc/grpc-js': { version: '1.14.7' },
        // Hoisted in the bundle, nested in the root: the same tested version.
        'node_modules/b/node_modules/zod': { version: '3.25.0' },
        'node_modules/@gaesession/core': { link: true },
      },
    };
    expect(untestedPackages(root, pruned)).toEqual([]);
    const drifted: Lockfile = {
      packages: {
        ...pruned.packages,
        'node_modules/zod': { version: '4.7.0' },
        'node_modules/left-pad': { version: '1.3.0' },
      },
    };
    expect(untestedPackages(root, drifted)).toEqual(['left-pad@1.3.0', 'zod@4.7.0']);
  });
});
