-- wrk script for bench/flash_crowd.py: every request is a new person signing up for one event.
--   wrk -t1 -c64 -d10s --latency -s bench/flash_crowd.lua http://host:port/forum/api/v1/events/<id>/signups -- <run>
-- The address is <run>-<thread>-<counter>@example.jp: distinct per request, per thread and per run.
-- Each thread counts the status codes, the decisions in the answers and the waitlist positions
-- handed out; done() prints them as "flash <key> <value>" lines for the bench to read.

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  run = args[1] or "run"
  counter = 0
  codes = {}
  decided = {confirmed = 0, pending_verification = 0, waitlisted = 0, other = 0}
  positions = {}  -- position -> times handed out in this thread
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"name":"参加者 %d-%d","name_kana":"さんかしゃ","email":"%s-%d-%d@example.jp",' ..
    '"affiliation":"飛騨市","prefecture_code":"21","consent":true}', tid, counter, run, tid, counter)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status ~= 201 and status ~= 200 then
    return
  end
  local state = string.match(body, '"status":"([%a_]+)"')
  if decided[state] ~= nil then
    decided[state] = decided[state] + 1
  else
    decided.other = decided.other + 1
  end
  local position = tonumber(string.match(body, '"waitlist_position":(%d+)'))
  if status == 201 and position then
    positions[position] = (positions[position] or 0) + 1
  end
end

function done(summary, latency, requests)
  local all_codes, all_decided, all_positions = {}, {}, {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("codes")) do all_codes[code] = (all_codes[code] or 0) + n end
    for state, n in pairs(thread:get("decided")) do all_decided[state] = (all_decided[state] or 0) + n end
    for position, n in pairs(thread:get("positions")) do
      all_positions[position] = (all_positions[position] or 0) + n
    end
  end
  for code, n in pairs(all_codes) do io.write(string.format("flash status_%d %d\n", code, n)) end
  for state, n in pairs(all_decided) do io.write(string.format("flash decided_%s %d\n", state, n)) end
  -- positions handed out: how many, how many distinct, the largest (1..W with no gaps: all three equal)
  local count, distinct, largest = 0, 0, 0
  for position, n in pairs(all_positions) do
    count, distinct = count + n, distinct + 1
    if position > largest then largest = position end
  end
  io.write(string.format("flash positions_count %d\nflash positions_distinct %d\nflash positions_max %d\n",
                         count, distinct, largest))
end
