-- Decide whether one request of a limited key may run, and count it if so; nothing is consumed on a refusal.
-- Requests and tokens per minute are token buckets that refill evenly over a minute (a key may burst its whole
-- minute at once, then gets one more request every 60/limit s); the day's tokens are a counter per UTC day; running
-- turns are a sorted set of leases scored by expiry, so slots of a dead node free themselves.
-- KEYS: requests bucket, tokens bucket, today's tokens counter, slots
-- ARGV: nowMs, requestsPerMinute, tokensPerMinute, tokensPerDay, concurrentRequests, turn ('1'/'0'), leaseId
--       ('' for none), leaseTtlMs, msToMidnight
-- Returns {allowed, refusal ('rate'|'quota'|''), reason, retryMs, rLimit, rRemaining, rResetMs, tLimit, tRemaining,
--          tResetMs}; the windows are -1 when not limited.
local now = tonumber(ARGV[1])
local rpm, tpm, tpd, conc = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local turn = ARGV[6] == '1'
local lease, leaseTtl, midnight = ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9])
local WINDOW = 60000

local function level(key, cap)
  local v = redis.call('HMGET', key, 'level', 'ts')
  local l, ts = tonumber(v[1]), tonumber(v[2])
  if not l or not ts then
    return cap
  end
  local elapsed = now - ts
  if elapsed < 0 then elapsed = 0 end
  l = l + elapsed * cap / WINDOW
  if l > cap then l = cap end
  return l
end

local refusal, reason, retry = '', '', 0
local function refuse(kind, why, ms)
  if refusal ~= 'quota' then refusal = kind end
  if reason == '' then reason = why end
  if ms > retry then retry = ms end
end

local r, t, used = nil, nil, 0
if rpm > 0 then
  r = level(KEYS[1], rpm)
  if r < 1 then refuse('rate', 'requests', math.ceil((1 - r) * WINDOW / rpm)) end
end
if tpm > 0 then
  t = level(KEYS[2], tpm)
  if turn and t < 1 then refuse('rate', 'tokens', math.ceil((1 - t) * WINDOW / tpm)) end
end
if tpd > 0 then
  used = tonumber(redis.call('GET', KEYS[3]) or '0')
  if turn and used >= tpd then refuse('quota', 'tokens_per_day', midnight) end
end
if turn and conc > 0 and lease ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  if redis.call('ZCARD', KEYS[4]) >= conc then refuse('rate', 'concurrency', 1000) end
end

local allowed = 0
if refusal == '' then
  allowed = 1
  if r then
    r = r - 1
    redis.call('HSET', KEYS[1], 'level', tostring(r), 'ts', tostring(now))
    redis.call('PEXPIRE', KEYS[1], math.ceil((rpm - r) * WINDOW / rpm) + 1000)
  end
  if turn and conc > 0 and lease ~= '' then
    redis.call('ZADD', KEYS[4], now + leaseTtl, lease)
    redis.call('PEXPIRE', KEYS[4], leaseTtl)
  end
end

local rl, rr, rs = -1, -1, -1
if r then
  rl = rpm
  rr = math.max(0, math.floor(r))
  rs = math.ceil((rpm - r) * WINDOW / rpm)
end
local tl, tr, ts = -1, -1, -1
if t then
  tl = tpm
  tr = math.max(0, math.floor(t))
  ts = math.ceil((tpm - t) * WINDOW / tpm)
elseif tpd > 0 then
  tl = tpd
  tr = math.max(0, tpd - used)
  if used > 0 then ts = midnight else ts = 0 end
end
return {allowed, refusal, reason, retry, rl, rr, rs, tl, tr, ts}
