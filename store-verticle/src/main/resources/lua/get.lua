-- Read a conversation for its owner.
-- KEYS: meta, messages   ARGV: ownerHash
local meta = redis.call('HMGET', KEYS[1], 'owner', 'model', 'created', 'updated', 'count')
if not meta[1] or meta[1] ~= ARGV[1] then
  return {'missing'}
end
return {'ok', meta[2], meta[3], meta[4], meta[5], redis.call('LRANGE', KEYS[2], 0, -1)}
