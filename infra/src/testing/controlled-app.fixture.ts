// An app process a test can crash and start again (not built, not a test file itself).
import type { RunningApp } from './apps.fixture.js';
import type { GroupProcess } from './process.fixture.js';

/** An app process the test can crash, stop and start again. */
export interface ControlledApp extends RunningApp {
  /** True from a successful `start()` until `stop()`. */
  readonly running: boolean;
  /** The process id (of the process group's leader) while running. */
  readonly pid: number | undefined;
  /**
   * Ends the process group: 'SIGKILL' (the default) is a crash, 'SIGTERM' a graceful stop
   * (SIGKILL after 10 s). A no-op when it is not running.
   */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts it again on the same port with the same environment; resolves once it is ready. */
  start(): Promise<void>;
}

/**
 * Wraps a started app process (`launch` starts it, on `port`, and resolves once it is ready) so a
 * test can crash and restart it. `output()` keeps what earlier runs printed. `close()` stops it
 * gracefully.
 */
export async function controlApp(
  name: string,
  port: number,
  launch: () => Promise<GroupProcess>,
): Promise<ControlledApp & { close(): Promise<void> }> {
  let current: GroupProcess | undefined = await launch();
  let earlier = '';
  const stop = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL') => {
    const child = current;
    if (child === undefined) return;
    current = undefined;
    if (signal === 'SIGKILL') await child.kill('SIGKILL');
    else await child.stop();
    earlier += `${child.output()}\n--- ${name} stopped (${signal}) ---\n`;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get running() {
      return current !== undefined;
    },
    get pid() {
      return current?.pid;
    },
    output: () => earlier + (current?.output() ?? ''),
    stop,
    async start() {
      current ??= await launch();
    },
    close: () => stop('SIGTERM'),
  };
}
