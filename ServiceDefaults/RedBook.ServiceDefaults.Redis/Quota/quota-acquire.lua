-- RedBook distributed quota, after youtube/doorman: one client's lease request, computed atomically.
-- Run by RedisQuotaStore.AcquireAsync through StackExchange.Redis's LuaScript (SCRIPT LOAD once per
-- server, then EVALSHA); the named parameters below become KEYS[1] and ARGV[1..5].
--
-- The resource's leases live in one hash, the key: field = client id, value = "wants has expiry", the
-- rates in permits per second written with 17 significant digits (they read back exactly) and the expiry
-- in microseconds of the Redis server's clock. One request:
--   1. validates its parameters and every stored lease before it writes anything, so a bad request or an
--      unreadable lease is an error reply that leaves the hash as it was;
--   2. reads the time from the server (TIME): every expiry is decided by that one clock, never a client's;
--   3. reclaims the leases that expired (expiry <= now);
--   4. records the caller's wants and splits the capacity among the live clients with the resource's
--      algorithm, max-min fair share or Doorman's proportional share (the arithmetic of QuotaAlgorithms.cs,
--      operation for operation);
--   5. grants the caller the smaller of its share and what the others do not hold, never below 0, so the
--      capacity is never over-committed while the shares converge;
--   6. writes the caller's lease, deletes the expired ones and lets the hash expire with its last lease.
-- Returns the grant as a string (Redis would truncate a Lua number reply to an integer).

local key = @key
local client = @client
local wants_text = @wants
local capacity_text = @capacity
local algorithm = @algorithm
local lease_text = @lease_us

local invalid = 'REDBOOK_QUOTA_INVALID_REQUEST '
local corrupt = 'REDBOOK_QUOTA_CORRUPT_STATE '

-- A finite number not below min, or nil (tonumber accepts "nan" and "inf" through strtod).
local function finite(text, min)
  local value = tonumber(text)
  if value == nil or value ~= value or value == math.huge or value == -math.huge or value < min then
    return nil
  end
  return value
end

if client == nil or string.find(client, '%S') == nil then
  return redis.error_reply(invalid .. 'the client id is empty')
end
local request_wants = finite(wants_text, 0)
if request_wants == nil then
  return redis.error_reply(invalid .. 'wants must be a finite number not below 0, not ' .. tostring(wants_text))
end
local capacity = finite(capacity_text, 0)
if capacity == nil then
  return redis.error_reply(invalid .. 'capacity must be a finite number not below 0, not ' .. tostring(capacity_text))
end
if algorithm ~= 'fair' and algorithm ~= 'proportional' then
  return redis.error_reply(invalid .. 'unknown algorithm ' .. tostring(algorithm) .. ' (fair or proportional)')
end
local lease = finite(lease_text, 1)
if lease == nil or lease ~= math.floor(lease) or lease > 86400000000 then
  return redis.error_reply(invalid .. 'the lease length must be a whole number of microseconds from 1 to one day, not ' .. tostring(lease_text))
end

local kind = redis.call('TYPE', key)['ok']
if kind ~= 'hash' and kind ~= 'none' then
  return redis.error_reply(corrupt .. 'the quota key holds a ' .. kind .. ', not a hash')
end

-- Redis 3.2 and 4 need effects replication switched on before a write may follow TIME; 5 and later
-- replicate effects by default (7 removed the alternative), so the call is then a no-op.
if redis.replicate_commands ~= nil then
  redis.replicate_commands()
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local ids, wants, has, expiry, expired = {}, {}, {}, {}, {}
local mine = nil
local stored = redis.call('HGETALL', key)
for i = 1, #stored, 2 do
  local id = stored[i]
  local w, h, e = string.match(stored[i + 1], '^(%S+) (%S+) (%S+)$')
  w, h, e = finite(w, 0), finite(h, 0), finite(e, 0)
  if w == nil or h == nil or e == nil then
    return redis.error_reply(corrupt .. 'the lease of ' .. id .. ' is unreadable: ' .. stored[i + 1])
  end
  if e <= now then
    expired[#expired + 1] = id
  else
    local n = #ids + 1
    ids[n], wants[n], has[n], expiry[n] = id, w, h, e
    if id == client then
      mine = n
    end
  end
end
if mine == nil then
  mine = #ids + 1
  ids[mine], has[mine], expiry[mine] = client, 0, 0
end
wants[mine] = request_wants
local count = #ids

-- Max-min fairness (water filling): in rounds, every unsatisfied client whose remaining need fits in an
-- equal split of what is left gets it all; when nobody fits, the rest is split equally.
local function fair_share()
  local grants, remaining, unsatisfied = {}, capacity, 0
  for i = 1, count do
    grants[i] = 0
    if wants[i] > 0 then
      unsatisfied = unsatisfied + 1
    end
  end
  while unsatisfied > 0 do
    local share = remaining / unsatisfied
    local satisfied_any = false
    for i = 1, count do
      local need = wants[i] - grants[i]
      if need > 0 and need <= share then
        grants[i] = wants[i]
        remaining = remaining - need
        unsatisfied = unsatisfied - 1
        satisfied_any = true
      end
    end
    if not satisfied_any then
      for i = 1, count do
        if wants[i] - grants[i] > 0 then
          grants[i] = grants[i] + share
        end
      end
      return grants
    end
  end
  return grants
end

-- Doorman's proportional share: an equal share each; clients wanting less get what they want, and what
-- they leave goes to the others in proportion to how far their wants exceed the equal share.
local function proportional_share()
  local grants = {}
  local equal_share = capacity / count
  local extra_capacity, extra_need = 0, 0
  for i = 1, count do
    if wants[i] < equal_share then
      extra_capacity = extra_capacity + (equal_share - wants[i])
    else
      extra_need = extra_need + (wants[i] - equal_share)
    end
  end
  local ratio = extra_capacity / extra_need
  for i = 1, count do
    if wants[i] < equal_share then
      grants[i] = wants[i]
    else
      grants[i] = equal_share + ((wants[i] - equal_share) * ratio)
    end
  end
  return grants
end

local total = 0
for i = 1, count do
  total = total + wants[i]
end
local grants
if total <= capacity then
  grants = wants
elseif algorithm == 'fair' then
  grants = fair_share()
else
  grants = proportional_share()
end

local others_have = 0
for i = 1, count do
  if i ~= mine then
    others_have = others_have + has[i]
  end
end
local granted = math.max(0, math.min(grants[mine], capacity - others_have))

expiry[mine] = now + lease
redis.call('HSET', key, client, string.format('%.17g %.17g %.17g', request_wants, granted, expiry[mine]))
for i = 1, #expired, 100 do
  redis.call('HDEL', key, unpack(expired, i, math.min(i + 99, #expired)))
end
local last = expiry[mine]
for i = 1, count do
  if expiry[i] > last then
    last = expiry[i]
  end
end
redis.call('PEXPIRE', key, math.ceil((last - now) / 1000))

return string.format('%.17g', granted)
