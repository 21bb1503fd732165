-- Release a turn lock if this token still holds it.
-- KEYS: lock   ARGV: lockToken
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
