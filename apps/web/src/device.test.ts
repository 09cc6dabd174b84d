import { describe, expect, it } from 'vitest';
import { deviceLabel } from './device.js';
import { USER_AGENTS } from './web.fixture.js';

describe('deviceLabel', () => {
  it('names the browser and the system coarsely', () => {
    expect(deviceLabel(USER_AGENTS.chromeLinux)).toBe('Chrome on Linux');
    expect(deviceLabel(USER_AGENTS.firefoxAndroid)).toBe('Firefox on Android');
    expect(deviceLabel(USER_AGENTS.safariIphone)).toBe('Safari on iOS');
    expect(deviceLabel(USER_AGENTS.edgeWindows)).toBe('Edge on Windows');
    expect(
      deviceLabel(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      ),
    ).toBe('Safari on macOS');
    expect(
      deviceLabel('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/126.0.0.0 Safari/537.36'),
    ).toBe('Chrome on Linux');
    expect(deviceLabel(USER_AGENTS.curl)).toBe('curl');
    expect(deviceLabel('node')).toBe('Node.js');
  });

  it('never passes on the text of the header', () => {
    expect(deviceLabel(undefined)).toBe('Unknown device');
    expect(deviceLabel('')).toBe('Unknown device');
    expect(deviceLabel('<script>alert(1)</script>')).toBe('Unknown device');
    expect(deviceLabel('MyBot/1.0 (Windows; secret-build-42)')).toBe('Unknown browser on Windows');
    expect(deviceLabel(`${'x'.repeat(10_000)} Firefox/1`)).toBe('Unknown device');
  });
});
