-- Add what a store verticle counted since its last write to one day's usage hash, and set when the hash expires (a
-- fixed instant: the day's end plus the retention, so a late write never extends it).
-- KEYS: the usage hash
-- ARGV: expires at (Unix seconds), then per model: model, requests, prompt, completion, cached
local key = KEYS[1]
for i = 2, #ARGV, 5 do
  local model = ARGV[i]
  redis.call('HINCRBY', key, 'requests:' .. model, ARGV[i + 1])
  -- A count of 0 adds nothing: a missing field reads 0.
  if ARGV[i + 2] ~= '0' then
    redis.call('HINCRBY', key, 'prompt:' .. model, ARGV[i + 2])
  end
  if ARGV[i + 3] ~= '0' then
    redis.call('HINCRBY', key, 'completion:' .. model, ARGV[i + 3])
  end
  if ARGV[i + 4] ~= '0' then
    redis.call('HINCRBY', key, 'cached:' .. model, ARGV[i + 4])
  end
end
redis.call('EXPIREAT', key, ARGV[1])
return 1
