-- Add one request and its tokens to a day's usage hash (per key, or the gateway-wide totals), kept 90 days.
-- KEYS: usage hash   ARGV: model, prompt, completion, cached, ttlSeconds
redis.call('HINCRBY', KEYS[1], 'requests:' .. ARGV[1], 1)
redis.call('HINCRBY', KEYS[1], 'prompt:' .. ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[1], 'completion:' .. ARGV[1], ARGV[3])
redis.call('HINCRBY', KEYS[1], 'cached:' .. ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
