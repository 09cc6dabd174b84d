// Hostile bodies, parameters and encodings for the demo app's JSON API, sent with a live session
// (not built, not a test file itself).
import { gzipSync } from 'node:zlib';
import type { RawHeader } from './raw-http.fixture.js';

export interface ApiCase {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly body?: string | Buffer;
  /** Content-Type and the like; `application/json` unless given. */
  readonly headers?: readonly RawHeader[];
  /** The status it must get, and the error code when it is refused (undefined: any 4xx, JSON or not). */
  readonly status: number;
  readonly code?: string;
}

const json = (value: unknown) => JSON.stringify(value);
const deepArray = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);
const deepObject = (depth: number) => '{"k":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Every case keeps the session usable; only the ones answered 2xx may change it. */
export function apiCases(): ApiCase[] {
  const put = (name: string, body: string | Buffer, status: number, code?: string, headers?: RawHeader[]): ApiCase => ({
    name,
    method: 'PUT',
    path: '/api/attrs/v',
    body,
    status,
    ...(code === undefined ? {} : { code }),
    ...(headers === undefined ? {} : { headers }),
  });
  const incr = (name: string, body: string, status: number, code?: string): ApiCase => ({
    name,
    method: 'POST',
    path: '/api/incr/n',
    body,
    status,
    ...(code === undefined ? {} : { code }),
  });
  const login = (name: string, body: string, status: number, code?: string): ApiCase => ({
    name,
    method: 'POST',
    path: '/api/login',
    body,
    status,
    ...(code === undefined ? {} : { code }),
  });
  return [
    put('a value nested 100000 deep (arrays)', `{"value":${deepArray(100_000)}}`, 400, 'SESSION_INVALID_VALUE'),
    put('a value nested 20000 deep (objects)', `{"value":${deepObject(20_000)}}`, 400, 'SESSION_INVALID_VALUE'),
    put('a value nested 101 deep', `{"value":${deepArray(101)}}`, 400, 'SESSION_INVALID_VALUE'),
    put('a value nested 100 deep', `{"value":${deepArray(100)}}`, 200),
    put('an infinite number (1e999)', '{"value":1e999}', 400, 'SESSION_INVALID_VALUE'),
    put('a lone surrogate', '{"value":"\\ud800"}', 200),
    put('a "__proto__" value', '{"value":{"__proto__":{"admin":true}}}', 200),
    put('null body', 'null', 400, 'BAD_BODY'),
    put('an array body', '[]', 400, 'BAD_BODY'),
    put('a string body', '"x"', 400, 'BAD_BODY'),
    put('a body without "value"', '{"val":1}', 400, 'BAD_BODY'),
    put('invalid JSON', '{"value":', 400, 'BAD_JSON'),
    put(
      'invalid UTF-8 in JSON',
      Buffer.concat([Buffer.from('{"value":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
      200,
    ),
    put('JSON sent as text/plain', json({ value: 1 }), 415, 'UNSUPPORTED_MEDIA_TYPE', [['Content-Type', 'text/plain']]),
    put('a body over 256 KiB', json({ value: 'x'.repeat(300 * 1024) }), 413, 'TOO_LARGE'),
    put('a gzip body inflating to 10 MiB', gzipSync(`{"value":"${' '.repeat(10 * 1024 * 1024)}"}`), 413, 'TOO_LARGE', [
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'gzip'],
    ]),
    put('an unknown Content-Encoding', json({ value: 1 }), 415, undefined, [
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'x-unknown'],
    ]),
    put('an unknown charset', json({ value: 1 }), 415, undefined, [
      ['Content-Type', 'application/json; charset=x-unknown'],
    ]),
    {
      name: 'an attribute name of 8000 characters',
      method: 'PUT',
      path: `/api/attrs/${'n'.repeat(8000)}`,
      body: json({ value: 1 }),
      status: 200,
    },
    {
      name: 'a malformed %-escape in the name',
      method: 'PUT',
      path: '/api/attrs/%E0%A4%A',
      body: json({ value: 1 }),
      status: 400,
    },
    { name: 'a NUL in the name', method: 'PUT', path: '/api/attrs/%00', body: json({ value: 1 }), status: 200 },
    { name: 'a "__proto__" name', method: 'PUT', path: '/api/attrs/__proto__', body: json({ value: 1 }), status: 200 },
    incr('a string increment', '{"by":"1"}', 400, 'BAD_BODY'),
    incr('an increment past the safe integers', json({ by: 2 ** 53 }), 400, 'SESSION_INVALID_OPERATION'),
    incr('an increment of 1e308', json({ by: 1e308 }), 400, 'SESSION_INVALID_OPERATION'),
    incr('an increment of -0', '{"by":-0}', 200),
    {
      name: 'an increment of a string attribute',
      method: 'POST',
      path: '/api/incr/v',
      body: '{}',
      status: 400,
      code: 'SESSION_INVALID_OPERATION',
    },
    login('a 201-character user', json({ user: 'u'.repeat(201) }), 400, 'BAD_BODY'),
    login('a numeric user', json({ user: 123 }), 400, 'BAD_BODY'),
    login('an object user', json({ user: { $gt: '' } }), 400, 'BAD_BODY'),
    login('a blank user', json({ user: '   ' }), 400, 'BAD_BODY'),
    login('no body', '', 400, 'BAD_BODY'),
  ];
}
