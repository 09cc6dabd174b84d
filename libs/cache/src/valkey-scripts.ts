/**
 * The Lua scripts of {@link ValkeyCache}. A session is one hash (see `valkey-hash.ts`): `v` its
 * version, `c` its compare-and-set token, `ac` its access time, `to` its timeout, `t` = 1 for a
 * tombstone, and one field `a:<name>` per attribute holding the value's JSON. The scripts never
 * parse an attribute's JSON (Lua's cjson would change numbers and empty arrays): `set` stores the
 * text the store sent, `incr` reads a number's text with `tonumber`.
 *
 * A new token is the server's clock in microseconds, and always above the entry's previous one:
 * tokens never repeat, even across a flush or a restart.
 */

/** Shared by the scripts: the next compare-and-set token of `key`, and HSET/HDEL of long lists. */
const HELPERS = `
local function in_chunks(command, key, list)
  for i = 1, #list, 1000 do redis.call(command, key, unpack(list, i, math.min(i + 999, #list))) end
end
local function next_cas(key)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local old = tonumber(redis.call('HGET', key, 'c')) or 0
  if now <= old then now = old + 1 end
  return string.format('%.0f', now)
end
`;

/**
 * Stores an entry. KEYS[1] the key; ARGV: mode (`add`, `cas` or `set`), the expected token (for
 * `cas`), the time to live in ms, then field/value pairs. Answers `stored`, `exists` (add),
 * `missing` or `conflict` (cas).
 */
export const WRITE_SCRIPT = `${HELPERS}
local key = KEYS[1]
local mode = ARGV[1]
if mode == 'add' then
  if redis.call('EXISTS', key) == 1 then return 'exists' end
elseif mode == 'cas' then
  local c = redis.call('HGET', key, 'c')
  if not c then return 'missing' end
  if c ~= ARGV[2] then return 'conflict' end
end
local cas = next_cas(key)
redis.call('DEL', key)
local fields = { 'c', cas }
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
in_chunks('HSET', key, fields)
redis.call('PEXPIRE', key, ARGV[3])
return 'stored'
`;

/**
 * Applies a request's operations to the cached session. KEYS[1] the key; ARGV: the request's base
 * version, now (ms), the largest size allowed (bytes of JSON, estimated), then triples
 * (`set`, name, value JSON), (`delete`, name, ''), (`incr`, name, by). Answers `{'updated', the
 * hash as HGETALL lists it}`, `{'missing'}`, `{'stale'}`, `{'gone'}`, `{'too-large', size}` or
 * `{'overflow', name}`; only `updated` writes.
 */
export const UPDATE_SCRIPT = `${HELPERS}
local key = KEYS[1]
local base, now, max_bytes = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local flat = redis.call('HGETALL', key)
if #flat == 0 then return { 'missing' } end
local h = {}
for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
if h['t'] == '1' then return { 'gone' } end
local version, accessed, timeout = tonumber(h['v']), tonumber(h['ac']), tonumber(h['to'])
if not version or not accessed or not timeout then return { 'missing' } end
if version < base then return { 'stale' } end
if accessed + timeout <= now then return { 'gone' } end

local SAFE = 9007199254740991
local function is_int(x) return x == math.floor(x) and x > -math.huge and x < math.huge end
local changed = {}
local function current(field)
  local value = changed[field]
  if value == nil then return h[field] end
  if value == false then return nil end
  return value
end
for i = 4, #ARGV, 3 do
  local op, field = ARGV[i], 'a:' .. ARGV[i + 1]
  if op == 'set' then
    changed[field] = ARGV[i + 2]
  elseif op == 'delete' then
    changed[field] = false
  else
    local by = tonumber(ARGV[i + 2])
    local cur = tonumber(current(field) or '') or 0
    local sum = cur + by
    local exact
    if is_int(cur) and is_int(by) then exact = sum >= -SAFE and sum <= SAFE
    else exact = sum == sum and sum > -math.huge and sum < math.huge end
    if not exact then return { 'overflow', ARGV[i + 1] } end
    if sum == 0 then sum = 0 end
    if is_int(sum) and sum >= -SAFE and sum <= SAFE then changed[field] = string.format('%.0f', sum)
    else changed[field] = string.format('%.17g', sum) end
  end
end

local size = 0
for field, value in pairs(h) do
  if changed[field] == nil then size = size + #field + #value + 4 end
end
for field, value in pairs(changed) do
  if value then size = size + #field + #value + 4 end
end
if size > max_bytes then return { 'too-large', size } end

local sets, dels = {}, {}
for field, value in pairs(changed) do
  if value then
    sets[#sets + 1] = field
    sets[#sets + 1] = value
  else
    dels[#dels + 1] = field
  end
end
local next_accessed = accessed
if now > next_accessed then next_accessed = now end
sets[#sets + 1] = 'v'
sets[#sets + 1] = string.format('%.0f', version + 1)
sets[#sets + 1] = 'ac'
sets[#sets + 1] = string.format('%.0f', next_accessed)
sets[#sets + 1] = 'c'
sets[#sets + 1] = next_cas(key)
if #dels > 0 then in_chunks('HDEL', key, dels) end
in_chunks('HSET', key, sets)
local ttl = next_accessed + timeout - now
if ttl < 1000 then ttl = 1000 end
redis.call('PEXPIRE', key, string.format('%.0f', ttl))
return { 'updated', redis.call('HGETALL', key) }
`;
