-- Keep an owner's conversation index in step with a commit: list the conversation (scored by its creation time, so
-- pages never shift under a cursor), note when it expires, and drop entries that expired meanwhile.
-- KEYS: owner index (zset id -> created ms), owner expiry (zset id -> expiry ms)
-- ARGV: id, createdMs, expiryMs, nowMs, ttlSeconds
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[4], 'LIMIT', 0, 100)
if #gone > 0 then
  redis.call('ZREM', KEYS[1], unpack(gone))
  redis.call('ZREM', KEYS[2], unpack(gone))
end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return #gone
