-- wrk script for bench/test_load_bench.py: mixed GraphQL load, 80% reads and 20% writes, over keep-alive
-- connections; every answer that is not an accepted operation (non-200, a GraphQL error, a refused write) counts
-- as an error. Writes are new invoices and payments without allocations (allocated oldest-first by the ledger),
-- so no request depends on another one's answer and every write is accepted: the goal is zero errors.
--
-- Environment: ARLEDGER_LOAD_TOKEN (bearer token), ARLEDGER_LOAD_PREFIX (the seeded customers' and invoices'
-- prefix, see bench/load.py seed), ARLEDGER_LOAD_PLAIN=1 (the plain starlette reference: a trivial body),
-- ARLEDGER_LOAD_WRITE_SHARE (0.2; 1 measures writes alone).

local token = os.getenv("ARLEDGER_LOAD_TOKEN") or ""
local prefix = os.getenv("ARLEDGER_LOAD_PREFIX") or "B"
local plain = os.getenv("ARLEDGER_LOAD_PLAIN") == "1"
local write_share = tonumber(os.getenv("ARLEDGER_LOAD_WRITE_SHARE") or "0.2")
local customers = 40
local threads = {}

local READS = {
  '{"query":"query($c: String!) { customer(code: $c) { code outstanding creditLimit invoices(first: 5, openOnly: true) { number dueDate outstanding status } } }","variables":{"c":"%s"}}',
  '{"query":"query($n: String!) { invoice(number: $n) { number customerCode total outstanding status installments { dueDate amount outstanding } } }","variables":{"n":"%s"}}',
  '{"query":"query($c: String!) { invoices(first: 20, customerCode: $c) { edges { cursor node { number total outstanding } } pageInfo { hasNextPage endCursor } } }","variables":{"c":"%s"}}',
  '{"query":"query($c: String!) { aging(asOf: \\"2026-11-24\\", boundaries: [30, 60, 90], customerCode: $c) { rows { customerCode outstanding current buckets } } }","variables":{"c":"%s"}}',
}
local ISSUE = '{"query":"mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { userErrors { code message } invoice { number outstanding } } }","variables":{"i":{"number":"%s","customerCode":"%s","issueDate":"2026-%02d-%02d","lines":[{"description":"Load line","quantity":"2","unitPrice":"%d.25"}]}}}'
local PAY = '{"query":"mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { userErrors { code message } payment { reference unallocated } } }","variables":{"i":{"reference":"%s","customerCode":"%s","amount":"50.00","receivedOn":"2026-11-01","method":"BANK_TRANSFER"}}}'

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  errors, reads, writes, counter = 0, 0, 0, 0
  math.randomseed(id * 7919)
  run = string.format("%d-%d-%d", os.time(), id, math.random(1000000))
  headers = {["Content-Type"] = "application/json"}
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
end

function request()
  local body
  if plain then
    body = '{"query":"{ ping }","variables":{"n":1}}'
    if math.random() < write_share then writes = writes + 1 else reads = reads + 1 end
  elseif math.random() < write_share then
    counter = counter + 1
    writes = writes + 1
    local customer = string.format("%sC%d", prefix, math.random(0, customers - 1))
    if counter % 2 == 1 then
      body = string.format(ISSUE, string.format("W-%s-%d", run, counter), customer, 1 + counter % 10,
                           1 + counter % 28, 100 + counter % 50)
    else
      body = string.format(PAY, string.format("WP-%s-%d", run, counter), customer)
    end
  else
    reads = reads + 1
    local which = math.random(1, #READS)
    local argument
    if which == 2 then
      argument = string.format("%sS%d", prefix, math.random(0, customers * 5 - 1))
    else
      argument = string.format("%sC%d", prefix, math.random(0, customers - 1))
    end
    body = string.format(READS[which], argument)
  end
  return wrk.format("POST", "/graphql", headers, body)
end

function response(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) or body:find('"userErrors":[{', 1, true) then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local e, r, w = 0, 0, 0
  for _, thread in ipairs(threads) do
    e = e + thread:get("errors")
    r = r + thread:get("reads")
    w = w + thread:get("writes")
  end
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('{"requests": %d, "seconds": %.2f, "errors": %d, "socket_errors": %d, "reads": %d, ' ..
                         '"writes": %d, "throughput": %.1f, "writes_per_s": %.1f, "p50_ms": %.2f, "p99_ms": %.2f}\n',
                         summary.requests, summary.duration / 1e6, e + failed, failed, r, w,
                         summary.requests / (summary.duration / 1e6), w / (summary.duration / 1e6),
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
