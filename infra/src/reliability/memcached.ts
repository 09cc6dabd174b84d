// memcached's text protocol, for what the scenarios do to a private memcached.
import { connect } from 'node:net';

/** Sends `flush_all` to the memcached at `address` (`host:port`): every item is gone at once. */
export function flushAll(address: string): Promise<void> {
  const [host = '127.0.0.1', port = '11211'] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) }, () => socket.write('flush_all\r\n'));
    let answer = '';
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error(`no answer to flush_all from ${address}`));
    });
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (!answer.includes('\r\n')) return;
      socket.destroy();
      if (answer.startsWith('OK')) resolve();
      else reject(new Error(`flush_all on ${address} answered ${answer.trim()}`));
    });
  });
}
