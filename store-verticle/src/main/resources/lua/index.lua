-- The owner's index alone (owner_index.lua comes first).
-- KEYS: owner index (zset id -> created ms), owner expiry (zset id -> expiry ms)
-- ARGV: id, createdMs, expiryMs, nowMs, upkeep TTL seconds ('0' when not due)
return index_owner(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
