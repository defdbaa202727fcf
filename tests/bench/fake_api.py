"""A local fake Bot API for benchmarks: a real per-second limit answered with real 429s, a
configurable latency, blocked chats answered with 403, and counts of what arrived.

Run as a separate process so its work does not distort the measured sender:
    python -m tests.bench.fake_api --port 8099 --limit 30 --latency-ms 0 --blocked 1,2,3
"""

import argparse
import asyncio
import time
from collections import Counter

from aiohttp import web


class FakeApi:
    def __init__(self, limit: int, latency_s: float, blocked: set[int]) -> None:
        self.limit, self.latency_s, self.blocked = limit, latency_s, blocked
        self.window, self.in_window = 0, 0
        self.delivered: Counter[str] = Counter()
        self.too_many = 0
        self.forbidden = 0
        self.first = self.last = 0.0
        self.storm_until = 0.0

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        data = dict(await request.post()) if request.content_type != "application/json" else await request.json()
        if method == "getMe":
            return web.json_response(
                {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}}
            )
        if method == "getUpdates":
            await asyncio.sleep(min(float(data.get("timeout", 0) or 0), 5))
            return web.json_response({"ok": True, "result": []})
        if method not in ("sendMessage", "copyMessage"):
            return web.json_response({"ok": True, "result": True})
        now = time.monotonic()
        if now < self.storm_until or not self._admit(now):
            self.too_many += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        chat_id = int(data["chat_id"])
        if chat_id in self.blocked:
            self.forbidden += 1
            return web.json_response(
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}, status=403
            )
        self.delivered[str(data.get("text", data.get("message_id", "")))] += 1
        self.first = self.first or now
        self.last = now
        return web.json_response(
            {
                "ok": True,
                "result": {
                    "message_id": sum(self.delivered.values()),
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"},
                    "text": data.get("text", ""),
                },
            }
        )

    def _admit(self, now: float) -> bool:
        window = int(now)
        if window != self.window:
            self.window, self.in_window = window, 0
        self.in_window += 1
        return self.in_window <= self.limit

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "delivered": sum(self.delivered.values()),
                "unique": len(self.delivered),
                "duplicates": sum(n - 1 for n in self.delivered.values() if n > 1),
                "too_many": self.too_many,
                "forbidden": self.forbidden,
                "span_s": self.last - self.first if self.first else 0.0,
            }
        )

    async def storm(self, request: web.Request) -> web.Response:
        """Answer every send with 429 for the given seconds (an injected 429 storm)."""
        self.storm_until = time.monotonic() + float(request.query.get("seconds", "2"))
        return web.json_response({"ok": True})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--blocked", default="")
    args = parser.parse_args()
    blocked = {int(x) for x in args.blocked.split(",") if x}
    api = FakeApi(args.limit, args.latency_ms / 1000, blocked)
    app = web.Application(client_max_size=10 * 2**20)
    app.router.add_get("/_stats", api.stats)
    app.router.add_post("/_storm", api.storm)
    app.router.add_route("*", "/bot{token}/{method}", api.handle)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
