-- Add one request and its tokens to a day's usage hashes (the key's, and the gateway-wide totals when they share a
-- slot with it: outside a cluster), kept 90 days.
-- KEYS: usage hash...   ARGV: model, prompt, completion, cached, ttlSeconds
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'requests:' .. ARGV[1], 1)
  redis.call('HINCRBY', key, 'prompt:' .. ARGV[1], ARGV[2])
  redis.call('HINCRBY', key, 'completion:' .. ARGV[1], ARGV[3])
  redis.call('HINCRBY', key, 'cached:' .. ARGV[1], ARGV[4])
  redis.call('EXPIRE', key, ARGV[5])
end
return 1
