import { describe, expect, it } from 'vitest';
import { parseAppYaml } from './app-yaml.js';
import { BundleError } from './errors.js';

describe('parseAppYaml', () => {
  it('reads the service and the includes', () => {
    expect(parseAppYaml('runtime: nodejs22\nservice: worker\nincludes:\n  - env.yaml\n', 'app.yaml')).toEqual({
      service: 'worker',
      includes: ['env.yaml'],
    });
  });

  it('defaults to the default service with no includes', () => {
    expect(parseAppYaml('runtime: nodejs22\n', 'app.yaml')).toEqual({ service: 'default', includes: [] });
  });

  it.each([
    ['not yaml', 'runtime: [nodejs22\n'],
    ['not a mapping', '- a\n- b\n'],
    ['a non-string service', 'service: 3\n'],
    ['an include outside the folder', 'includes:\n  - ../secrets.yaml\n'],
    ['an absolute include', 'includes:\n  - /etc/secrets.yaml\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseAppYaml(text, 'app.yaml')).toThrow(BundleError);
  });
});
