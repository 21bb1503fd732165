-- Add one request and its tokens to a day's usage hashes, each kept ttlSeconds. Loaded in front of usage_record.lua
-- and of commit.lua, which meters the turn it stores in the same call (outside a cluster).
local function add_usage(keys, model, prompt, completion, cached, ttlSeconds)
  for _, key in ipairs(keys) do
    redis.call('HINCRBY', key, 'requests:' .. model, 1)
    redis.call('HINCRBY', key, 'prompt:' .. model, prompt)
    redis.call('HINCRBY', key, 'completion:' .. model, completion)
    redis.call('HINCRBY', key, 'cached:' .. model, cached)
    redis.call('EXPIRE', key, ttlSeconds)
  end
end
