-- bench/api: wrk script replaying the one request bench/api/sign.py
-- signed (BENCH_REQUEST names its request.lua); benchmark code, never
-- part of the product.  Every request is identical, so wrk formats it
-- once per thread.

local path = os.getenv("BENCH_REQUEST")
if path == nil then
	error("replay.lua: set BENCH_REQUEST to sign.py's request.lua")
end
local req = dofile(path)

wrk.method = req.method
wrk.path = req.path
wrk.body = req.body
for name, value in pairs(req.headers) do
	wrk.headers[name] = value
end
