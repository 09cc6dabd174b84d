// System Chromium for browser tests, driven by playwright-core (not built, not a test file itself).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';

const INSTALL_STEPS: readonly (readonly string[])[] = [['update'], ['install', '-y', 'chromium']];

/**
 * The Chromium executable. When it is missing and we are root, installs the Debian package
 * (apt-get output shown as it goes); otherwise fails with the command to run.
 */
export function ensureChromium(log: (line: string) => void = console.log): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const commands = INSTALL_STEPS.map((args) => `apt-get ${args.join(' ')}`);
  if (process.getuid?.() !== 0) {
    throw new Error(
      `${CHROMIUM} is missing; the browser test needs it. Install it with:\n  ${commands.map((c) => `sudo ${c}`).join(' && ')}`,
    );
  }
  log(`${CHROMIUM} is missing: installing the Debian package chromium (${commands.join(' && ')})...`);
  for (const args of INSTALL_STEPS) {
    const result = spawnSync('apt-get', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status ?? 'signal'})`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`installed chromium but ${CHROMIUM} is still missing`);
  log(`installed ${CHROMIUM}`);
  return CHROMIUM;
}

/** Flags for a quiet, headless, throwaway browser on a machine without a display or a sandbox. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  readonly context: BrowserContext;
  /**
   * Another context of the same browser: a cookie jar and storage of its own, like a second
   * device (give it a `userAgent` to look like one). `close()` closes it too.
   */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh profile (`--user-data-dir` of its own, which playwright sets
 * from the directory given to launchPersistentContext).
 */
export async function launchChromium(log?: (line: string) => void): Promise<TestBrowser> {
  const executablePath = ensureChromium(log);
  const profile = mkdtempSync(join(tmpdir(), 'gaesession-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: 30_000,
    });
    const browser = context.browser();
    return {
      context,
      newContext: (options) => {
        if (browser === null)
          return Promise.reject(new Error('this Chromium context has no browser for another context'));
        return browser.newContext(options);
      },
      close: async () => {
        // Closing the persistent context closes the browser, and every other context with it.
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
