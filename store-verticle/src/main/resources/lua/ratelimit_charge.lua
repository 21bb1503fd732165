-- Charge a finished turn's tokens to a key's token limits: the per-minute bucket may go below zero (the key then
-- waits until it has refilled), and the day's counter grows.
-- KEYS: tokens bucket, today's tokens counter
-- ARGV: nowMs, tokensPerMinute (0: none), tokensPerDay (0: none), tokens, dayTtlSeconds
local now, tpm, tpd, tokens = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local WINDOW = 60000
if tpm > 0 then
  local v = redis.call('HMGET', KEYS[1], 'level', 'ts')
  local l, ts = tonumber(v[1]), tonumber(v[2])
  if not l or not ts then
    l = tpm
  else
    local elapsed = now - ts
    if elapsed < 0 then elapsed = 0 end
    l = math.min(tpm, l + elapsed * tpm / WINDOW)
  end
  l = l - tokens
  redis.call('HSET', KEYS[1], 'level', tostring(l), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil((tpm - l) * WINDOW / tpm) + 1000)
end
if tpd > 0 then
  redis.call('INCRBY', KEYS[2], tokens)
  redis.call('EXPIRE', KEYS[2], ARGV[5])
end
return 1
