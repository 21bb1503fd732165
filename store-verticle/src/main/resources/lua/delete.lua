-- Delete a conversation for its owner, unless a turn holds it.
-- KEYS: meta, messages, lock, and the live set unless it lives in another cluster slot   ARGV: ownerHash, id
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner or owner ~= ARGV[1] then
  return 'missing'
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  return 'locked'
end
redis.call('DEL', KEYS[1], KEYS[2])
if KEYS[4] then
  redis.call('ZREM', KEYS[4], ARGV[2])
end
return 'ok'
