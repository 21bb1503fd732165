-- Add one request and its tokens to a day's usage hashes (the key's, and the gateway-wide totals when they share a
-- slot with it: outside a cluster), kept 90 days (usage_add.lua comes first).
-- KEYS: usage hash...   ARGV: model, prompt, completion, cached, ttlSeconds
add_usage(KEYS, ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])
return 1
