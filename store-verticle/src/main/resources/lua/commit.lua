-- Append a finished turn, refresh the TTL, release the lock, count the conversation as live and list it in its owner's
-- index, atomically (owner_index.lua comes first).
-- KEYS: meta, messages, lock, then — unless they live in other cluster slots (then the caller writes them) — the live
--       set, the owner index and the owner expiry set
-- ARGV: ownerHash, lockToken ('' for a new conversation), model, nowSeconds, ttlSeconds, id, expectedCount, nowMs,
--       expiryMs, the owner index's upkeep TTL seconds ('0' when not due), message JSON...
local created = 0
if ARGV[2] == '' then
  -- A new conversation has no lock to release. HSETNX both checks and claims the id (one lookup in a keyspace that
  -- holds every live conversation, where EXISTS and a DEL of the absent lock cost 4 µs each).
  if redis.call('HSETNX', KEYS[1], 'owner', ARGV[1]) == 0 then
    return {'conflict'}
  end
  created = 1
else
  local meta = redis.call('HMGET', KEYS[1], 'owner', 'count')
  if not meta[1] or meta[1] ~= ARGV[1] then
    return {'missing'}
  end
  local holder = redis.call('GET', KEYS[3])
  -- The lock may have expired during a very long turn; the commit is still safe when nobody else took it
  -- and the conversation did not change meanwhile.
  if holder ~= ARGV[2] and (holder or meta[2] ~= ARGV[7]) then
    return {'conflict'}
  end
end
local added = #ARGV - 10
-- One RPUSH for up to 1,000 messages (unpack's stack has a bound).
for i = 11, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
local count = added
if created == 1 then
  redis.call('HSET', KEYS[1], 'created', ARGV[4], 'count', added, 'model', ARGV[3], 'updated', ARGV[4])
else
  count = redis.call('HINCRBY', KEYS[1], 'count', added)
  redis.call('HSET', KEYS[1], 'model', ARGV[3], 'updated', ARGV[4])
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
if created == 0 then
  redis.call('DEL', KEYS[3])
end
if KEYS[4] then
  redis.call('ZADD', KEYS[4], tonumber(ARGV[4]) + tonumber(ARGV[5]), ARGV[6])
  index_owner(KEYS[5], KEYS[6], ARGV[6], ARGV[8], ARGV[9], ARGV[8], ARGV[10])
end
return {'ok', count, created}
