-- Take conversations out of an owner's index.
-- KEYS: owner index, owner expiry   ARGV: ids...
redis.call('ZREM', KEYS[1], unpack(ARGV))
return redis.call('ZREM', KEYS[2], unpack(ARGV))
