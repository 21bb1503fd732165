-- Append a finished turn, refresh the TTL, release the lock, count the conversation as live, list it in its owner's
-- index and meter the turn's usage, atomically (owner_index.lua and usage_add.lua come first).
-- KEYS: meta, messages, lock, then — unless they live in other cluster slots (then the caller writes them) — the live
--       set, the owner index, the owner expiry set and the usage hashes
-- ARGV: ownerHash, lockToken ('' for a new conversation), model, nowSeconds, ttlSeconds, id, expectedCount, nowMs,
--       expiryMs, usage model ('' when the caller meters elsewhere), prompt, completion, cached, usage ttlSeconds,
--       message JSON...
local created = 0
if ARGV[2] == '' then
  if redis.call('EXISTS', KEYS[1]) == 1 then
    return {'conflict'}
  end
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'created', ARGV[4], 'count', 0)
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
local added = #ARGV - 14
for i = 15, #ARGV do
  redis.call('RPUSH', KEYS[2], ARGV[i])
end
local count = redis.call('HINCRBY', KEYS[1], 'count', added)
redis.call('HSET', KEYS[1], 'model', ARGV[3], 'updated', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
redis.call('DEL', KEYS[3])
if KEYS[4] then
  redis.call('ZADD', KEYS[4], tonumber(ARGV[4]) + tonumber(ARGV[5]), ARGV[6])
  index_owner(KEYS[5], KEYS[6], ARGV[6], ARGV[8], ARGV[9], ARGV[8], ARGV[5])
  if ARGV[10] ~= '' then
    add_usage({unpack(KEYS, 7)}, ARGV[10], ARGV[11], ARGV[12], ARGV[13], ARGV[14])
  end
end
return {'ok', count, created}
