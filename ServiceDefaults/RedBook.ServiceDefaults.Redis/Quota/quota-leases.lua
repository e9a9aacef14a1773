-- RedBook distributed quota: the live leases of one resource, as the Redis server's clock sees them.
-- Run by RedisQuotaStore.GetLeasesAsync; reads only. The hash layout is quota-acquire.lua's.
-- Returns a flat array: client id, grant (a string, 17 significant digits), microseconds left; the
-- leases that expired (expiry <= now) are left out.

local key = @key
local corrupt = 'REDBOOK_QUOTA_CORRUPT_STATE '

local kind = redis.call('TYPE', key)['ok']
if kind ~= 'hash' and kind ~= 'none' then
  return redis.error_reply(corrupt .. 'the quota key holds a ' .. kind .. ', not a hash')
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])

local result = {}
local stored = redis.call('HGETALL', key)
for i = 1, #stored, 2 do
  local _, h, e = string.match(stored[i + 1], '^(%S+) (%S+) (%S+)$')
  h, e = tonumber(h), tonumber(e)
  if h == nil or e == nil or h ~= h or e ~= e then
    return redis.error_reply(corrupt .. 'the lease of ' .. stored[i] .. ' is unreadable: ' .. stored[i + 1])
  end
  if e > now then
    result[#result + 1] = stored[i]
    result[#result + 1] = string.format('%.17g', h)
    result[#result + 1] = string.format('%.17g', e - now)
  end
end
return result
