-- Count live conversations: drop the expired ones from the live set, then count it.
-- KEYS: live-set   ARGV: nowSeconds
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZCARD', KEYS[1])
