-- One page of an owner's conversation ids, newest first, after dropping the expired ones.
-- KEYS: owner index, owner expiry   ARGV: nowMs, limit, after ('' for the first page)
-- Returns {'ok', hasMore, {ids...}} or {'cursor'} when `after` is not in the index.
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000)
if #gone > 0 then
  redis.call('ZREM', KEYS[1], unpack(gone))
  redis.call('ZREM', KEYS[2], unpack(gone))
end
local start = 0
if ARGV[3] ~= '' then
  local rank = redis.call('ZREVRANK', KEYS[1], ARGV[3])
  if not rank then
    return {'cursor'}
  end
  start = rank + 1
end
local limit = tonumber(ARGV[2])
local ids = redis.call('ZREVRANGE', KEYS[1], start, start + limit)
local more = 0
if #ids > limit then
  more = 1
  table.remove(ids)
end
return {'ok', more, ids}
