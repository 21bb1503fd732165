-- Add one request and its tokens to a day's usage hashes. Loaded in front of usage_record.lua and of commit.lua, which
-- meters the turn it stores in the same call (outside a cluster).
-- A hash expires at a fixed instant (its day's end plus the retention; ttlSeconds counts to it), so its expiry is set
-- when a model's first request creates fields, not on every call; a count of 0 adds nothing (a missing field reads 0).
local function add_usage(keys, model, prompt, completion, cached, ttlSeconds)
  for _, key in ipairs(keys) do
    if redis.call('HINCRBY', key, 'requests:' .. model, 1) == 1 then
      redis.call('EXPIRE', key, ttlSeconds)
    end
    if prompt ~= '0' then
      redis.call('HINCRBY', key, 'prompt:' .. model, prompt)
    end
    if completion ~= '0' then
      redis.call('HINCRBY', key, 'completion:' .. model, completion)
    end
    if cached ~= '0' then
      redis.call('HINCRBY', key, 'cached:' .. model, cached)
    end
  end
end
