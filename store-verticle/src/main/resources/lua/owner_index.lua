-- Keep an owner's conversation index in step with a commit: list the conversation (scored by its creation time, so
-- pages never shift under a cursor) and note when it expires; when the caller says the upkeep is due (a TTL not '0'),
-- drop entries that expired meanwhile and set the index's own TTL. Loaded in front of index.lua (in a cluster, where
-- the index has a slot of its own) and of commit.lua (elsewhere, in the same call).
-- index: zset id -> created ms; expiry: zset id -> expiry ms
local function index_owner(index, expiry, id, createdMs, expiryMs, nowMs, upkeepTtl)
  redis.call('ZADD', index, 'NX', createdMs, id)
  redis.call('ZADD', expiry, expiryMs, id)
  if upkeepTtl == '0' then
    return 0
  end
  local gone = redis.call('ZRANGEBYSCORE', expiry, '-inf', nowMs, 'LIMIT', 0, 100)
  if #gone > 0 then
    redis.call('ZREM', index, unpack(gone))
    redis.call('ZREM', expiry, unpack(gone))
  end
  redis.call('EXPIRE', index, upkeepTtl)
  redis.call('EXPIRE', expiry, upkeepTtl)
  return #gone
end
