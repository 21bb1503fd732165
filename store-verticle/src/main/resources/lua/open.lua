-- Load a conversation for its owner and take its turn lock, atomically.
-- KEYS: meta, messages, lock   ARGV: ownerHash, lockToken, lockTtlMs
local meta = redis.call('HMGET', KEYS[1], 'owner', 'model', 'created', 'updated', 'count')
if not meta[1] or meta[1] ~= ARGV[1] then
  return {'missing'}
end
if not redis.call('SET', KEYS[3], ARGV[2], 'NX', 'PX', ARGV[3]) then
  return {'locked'}
end
return {'ok', meta[2], meta[3], meta[4], meta[5], redis.call('LRANGE', KEYS[2], 0, -1)}
